package io.elector.spi;

import io.elector.api.ElectionSettings;
import io.elector.time.ElectorRuntime;

/** An observer's request to watch an election. */
public record ObserveRequest(String election, ElectionSettings settings, ElectorRuntime runtime) {}
