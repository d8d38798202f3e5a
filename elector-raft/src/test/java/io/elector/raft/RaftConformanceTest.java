package io.elector.raft;

import io.elector.testkit.BackendFixture;
import io.elector.testkit.ElectionConformanceSuite;

/** The conformance suite on a real 3-node Raft cluster over loopback TCP. */
class RaftConformanceTest extends ElectionConformanceSuite {
    @Override
    protected BackendFixture createFixture() {
        return new RaftFixture();
    }
}
