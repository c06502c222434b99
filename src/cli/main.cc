// imagemesh: the command-line entry point (placeholder until the cli lands).
int main() { return 0; }
