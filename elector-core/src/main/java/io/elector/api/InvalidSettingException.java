package io.elector.api;

/** A setting has a value outside its allowed range. The message names the field, value and range. */
public class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidSettingException(String message) {
        super(message);
    }
}
