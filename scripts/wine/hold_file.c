/* Holds a file open the way antivirus and the search indexer do, for the
 * Windows flows under Wine (scripts/wine_flows.py): read access, shared for
 * reading only (no FILE_SHARE_DELETE), so renaming or deleting it fails with
 * a sharing violation while it is held. Writes HELD_FLAG once the file is
 * open; lets go HOLD_MS milliseconds after the journal JOURNAL (polled) says
 * the operation has left its copying step, or after 120 s at most.
 *
 * Usage: hold_file.exe FILE JOURNAL HELD_FLAG HOLD_MS */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int past_copying(const char *journal) {
    FILE *f = fopen(journal, "rb");
    char text[8192];
    size_t n;
    if (!f) return 0;
    n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    return strstr(text, "\"step\"") && !strstr(text, "\"copying\"");
}

int main(int argc, char **argv) {
    HANDLE file, flag;
    int waited = 0;
    if (argc != 5) {
        fprintf(stderr, "usage: hold_file FILE JOURNAL HELD_FLAG HOLD_MS\n");
        return 2;
    }
    file = CreateFileA(argv[1], GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "hold_file: cannot open %s (%lu)\n", argv[1], GetLastError());
        return 1;
    }
    flag = CreateFileA(argv[3], GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (flag != INVALID_HANDLE_VALUE) CloseHandle(flag);
    while (!past_copying(argv[2]) && waited < 120000) {
        Sleep(10);
        waited += 10;
    }
    Sleep((DWORD)atoi(argv[4]));
    CloseHandle(file);
    return 0;
}
