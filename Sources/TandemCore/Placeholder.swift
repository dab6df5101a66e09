// TandemCore
