/**
 * The command line: {@code java -jar cli.jar COMMAND [OPTIONS]}. The only module that prints.
 * {@link com.alphapulse.db.cli.Main} is the entry point; {@link com.alphapulse.db.cli.ExitCode} lists what
 * the process returns.
 */
package com.alphapulse.db.cli;
