// TandemChat
