/*
 * fuzz.h — what the fuzz harnesses share: the entry point libFuzzer calls
 * (fuzz_main.c calls it too), CHECK, which aborts with the failed condition
 * so that the fuzzer records the input. fuzz_pb.h adds fuzz_pack for the
 * harnesses of protobuf messages.
 */
#ifndef MESO_FUZZ_H
#define MESO_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                                    \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                       \
			abort();                                                                                       \
		}                                                                                                      \
	} while (0)

#endif
