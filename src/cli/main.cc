// imagemesh: the command-line entry point. Parsing and wiring only (see cli/commands.h).
#include "cli/commands.h"

int main(int argc, char** argv) { return imagemesh::cli::run_app(argc, argv); }
