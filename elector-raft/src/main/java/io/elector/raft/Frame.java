package io.elector.raft;

import java.util.List;

/**
 * One authenticated unit on the wire: who sent it ({@code from}: a node id, or 0 for an observer)
 * and a batch of messages. The cluster id is checked by the codec and not kept here.
 */
record Frame(int from, List<Message> messages) {
    Frame {
        messages = List.copyOf(messages);
    }
}
