package io.github.fl4j.core.state;

import io.github.fl4j.core.api.StateCodec;

/** The store contract for {@link InMemoryClientStateStore}. */
class InMemoryClientStateStoreContractTest extends ClientStateStoreContractTest {
    @Override
    protected <T> ClientStateStore<T> newStore(String name, StateCodec<T> codec) {
        return new InMemoryClientStateStore<>(name, codec);
    }
}
