package com.alphapulse.db.postgres.internal;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.ServerKind;

/** Testcontainers, touched only when its classes are present, so that the CLI need not ship it. */
final class ContainerServer {

    private ContainerServer() {}

    static boolean dockerAvailable() {
        if ("false".equalsIgnoreCase(System.getProperty("alphapulse.pg.testcontainers", "true"))) {
            return false;
        }
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, ContainerServer.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return false;
        }
        return Docker.available();
    }

    static Servers.Server start() {
        return Docker.start();
    }

    /** Holds the Testcontainers references so they load only when called. */
    private static final class Docker {
        static boolean available() {
            try {
                return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException | LinkageError e) {
                return false;
            }
        }

        static Servers.Server start() {
            String major = System.getProperty("alphapulse.pg.major", "18");
            org.testcontainers.postgresql.PostgreSQLContainer container =
                    new org.testcontainers.postgresql.PostgreSQLContainer("postgres:" + major);
            container.start();
            Database admin = new Database(container.getDatabaseName(), container.getHost(),
                    container.getMappedPort(5432), container.getUsername(), container.getPassword());
            return new Servers.Fixed(ServerKind.TESTCONTAINERS, admin, container::stop);
        }
    }
}
