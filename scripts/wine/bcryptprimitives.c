/* Wine 8.0 lacks ProcessPrng, which Rust's std imports from
 * bcryptprimitives.dll on Windows: without it a Rust program does not start
 * under Wine (status c0000135). This stand-in DLL forwards to BCryptGenRandom.
 * Used only by scripts/wine-tests.sh; never shipped. */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    return BCryptGenRandom(NULL, data, (ULONG)len, BCRYPT_USE_SYSTEM_PREFERRED_RNG) == 0;
}
