/** Cross-module integration tests and the architecture rules every module obeys. */
package com.alphapulse.db.it;
