// A test-harness shim (LD_PRELOAD, built and used by scripts/test.sh only): in the test binary
// (*PackageTests.xctest) it reports GREENMARK_TEST_POOL_WIDTH CPUs to sysconf, which widens
// libdispatch's thread pool behind Swift concurrency's global executor (on this 2-core machine:
// from 2 to 4 threads; measured with 16 blocking 1-s tasks: 8.0 s -> 4.0 s). Why: many tests block
// a pool thread while a child process (greenmark, greenmarkd, python, chromium) or the model runs,
// and with 2 threads two such tests stall every in-process HTTP server of the other tests past
// HummingbirdTesting's fixed 20 s read timeout. Every other process, and the product, is unaffected.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int in_test_binary(void) {
    const char *name = program_invocation_short_name;
    return name != NULL && strstr(name, "PackageTests") != NULL;
}

long sysconf(int name) {
    static long (*real)(int);
    if (!real) real = (long (*)(int))dlsym(RTLD_NEXT, "sysconf");
    if ((name == _SC_NPROCESSORS_ONLN || name == _SC_NPROCESSORS_CONF) && in_test_binary()) {
        const char *width = getenv("GREENMARK_TEST_POOL_WIDTH");
        if (width != NULL && atol(width) > 0) return atol(width);
    }
    return real(name);
}
