/*
 * main.c - flowsweep command line (skeleton: --version only, grows with the engine).
 */
#include <stdio.h>
#include <string.h>

#include "mem.h"

int
main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("flowsweep 0.1.0 (allocator: %s)\n", mem_allocator_name());
        return 0;
    }
    fprintf(stderr, "usage: flowsweep --version\n");
    return 2;
}
