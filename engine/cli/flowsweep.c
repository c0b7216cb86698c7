/*
 * flowsweep.c - flowsweep: every command in this process (cli_main(), main.c).
 */
#include "cli_exec.h"

int
main(int argc, char **argv)
{
    return cli_main(argc, argv, NULL);
}
