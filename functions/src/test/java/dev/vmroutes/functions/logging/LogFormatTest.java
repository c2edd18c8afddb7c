package dev.vmroutes.functions.logging;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogFormatTest {

    @Test
    void json_whenChosen_orWhenLambdasFormatIsJson_textOtherwise() {
        assertThat(LogFormat.of(null, null)).isEqualTo("text");
        assertThat(LogFormat.of("json", null)).isEqualTo("json");
        assertThat(LogFormat.of(" JSON ", null)).isEqualTo("json");
        assertThat(LogFormat.of(null, "JSON")).isEqualTo("json");
        assertThat(LogFormat.of(null, "Text")).isEqualTo("text");
        assertThat(LogFormat.of("text", "JSON")).as("the local choice wins").isEqualTo("text");
        assertThat(LogFormat.of("", "JSON")).isEqualTo("json");
    }
}
