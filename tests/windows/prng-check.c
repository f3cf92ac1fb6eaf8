/*
 * TEST-ONLY check of the bcryptprimitives.dll stand-in (wine-test.sh): ProcessPrng fills two
 * 64-byte buffers (and one of 1 byte past a page edge is left alone), the buffers differ and are
 * not all zero. Exit 0 when so. Imports ProcessPrng the way Rust's std does (load-time import).
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len);

int main(void)
{
    unsigned char a[65], b[65], zero[64];
    memset(a, 0xAB, sizeof a);
    memset(b, 0xAB, sizeof b);
    memset(zero, 0, sizeof zero);
    if (!ProcessPrng(a, 64) || !ProcessPrng(b, 64)) { puts("ProcessPrng returned FALSE"); return 1; }
    if (a[64] != 0xAB || b[64] != 0xAB) { puts("ProcessPrng wrote past the buffer"); return 1; }
    if (!memcmp(a, b, 64)) { puts("two calls gave the same bytes"); return 1; }
    if (!memcmp(a, zero, 64) || !memcmp(b, zero, 64)) { puts("all zero"); return 1; }
    if (!ProcessPrng(a, 0)) { puts("ProcessPrng(len 0) returned FALSE"); return 1; }
    puts("ProcessPrng ok");
    return 0;
}
