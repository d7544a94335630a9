package com.alphapulse.tenant;

/** Argument checks shared by the domain records; they fail with {@link TenantException.Code#INVALID_ARGUMENT}. */
final class Checks {

    private Checks() {}

    static String text(String what, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            throw invalid(what + " is required");
        }
        if (value.length() > maxLength) {
            throw invalid(what + " is longer than " + maxLength + " characters");
        }
        return value;
    }

    static <T> T present(String what, T value) {
        if (value == null) {
            throw invalid(what + " is required");
        }
        return value;
    }

    static Integer notNegative(String what, Integer value) {
        if (value != null && value < 0) {
            throw invalid(what + " must not be negative, got " + value);
        }
        return value;
    }

    static TenantException invalid(String message) {
        return new TenantException(TenantException.Code.INVALID_ARGUMENT, message);
    }
}
