// TandemRuntime
