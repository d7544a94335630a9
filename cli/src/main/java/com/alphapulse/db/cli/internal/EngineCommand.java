package com.alphapulse.db.cli.internal;

import picocli.CommandLine.Mixin;

/** A command that runs the migration engine: its timeouts, retries and --reason come with it. */
abstract class EngineCommand extends DatabaseCommand {

    @Mixin
    EngineOptions engine = new EngineOptions();

    @Override
    void resolve(Environment env, ConfigFile file) {
        engine.resolve(env, file);
    }

    @Override
    void validate() {
        engine.validate();
    }
}
