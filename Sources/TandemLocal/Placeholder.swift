// TandemLocal
