/*
 * replay_main.c - runs a libFuzzer target over files without libFuzzer (zstd's
 * regression driver): each argument is a file or a directory of files, and
 * each file is passed once to LLVMFuzzerTestOneInput. Lets every build (gcc,
 * ASan, TSan) replay the fuzz corpora in ctest.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long len;

    if (f == NULL) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc(len > 0 ? (size_t)len : 1);
    if (buf == NULL || (len > 0 && fread(buf, 1, (size_t)len, f) != (size_t)len)) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        fclose(f);
        free(buf);
        return 1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, (size_t)len);
    free(buf);
    return 0;
}

int
main(int argc, char **argv)
{
    size_t n = 0;
    int bad = 0;

    for (int i = 1; i < argc; i++) {
        struct stat st;

        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: no such path %s\n", argv[i]);
            return 1;
        }
        if (S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *de;

            while (d && (de = readdir(d)) != NULL) { /* NOLINT(concurrency-mt-unsafe) */
                char path[4096];

                if (de->d_name[0] == '.')
                    continue;
                snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
                bad |= run_file(path);
                n++;
            }
            if (d)
                closedir(d);
        } else {
            bad |= run_file(argv[i]);
            n++;
        }
    }
    printf("replayed %zu inputs\n", n);
    return bad;
}
