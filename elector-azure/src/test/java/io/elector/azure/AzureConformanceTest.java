package io.elector.azure;

import io.elector.testkit.BackendFixture;
import io.elector.testkit.ElectionConformanceSuite;

/**
 * The conformance suite, unchanged, on Azurite started by the tests (or on
 * ELECTOR_AZURE_CONNECTION_STRING), with Azure's shortest lease (15 s).
 */
class AzureConformanceTest extends ElectionConformanceSuite {
    @Override
    protected BackendFixture createFixture() {
        return new AzureFixture();
    }
}
