// SPDX-License-Identifier: GPL-2.0
/*
 * vmcore-read <file>: read a file to the end through mmap(), the way
 * makedumpfile reads /proc/vmcore, touching every byte, and say how far it
 * got. read() of /proc/vmcore maps each old page on its own, which takes
 * minutes under QEMU TCG; mmap() maps the old memory once.
 *
 * Prints "# <file>: <MiB> MiB read, <s> s" after each 64 MiB and
 * "read <bytes> of <size> bytes" at the end; exits 0 when every byte was
 * read.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHUNK	(64UL << 20)

int main(int argc, char **argv)
{
	time_t start = time(NULL);
	uint64_t sum = 0;
	struct stat st;
	off_t off = 0;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s <file>\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		perror(argv[1]);
		return 1;
	}
	while (off < st.st_size) {
		size_t len = st.st_size - off < (off_t)CHUNK ? st.st_size - off : CHUNK;
		const volatile uint64_t *p;
		size_t i;

		p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, off);
		if (p == MAP_FAILED) {
			perror("mmap");
			break;
		}
		/* Every byte, 8 at a time, then the tail one by one. */
		for (i = 0; i < len / 8; i++)
			sum += p[i];
		for (i = len & ~7UL; i < len; i++)
			sum += ((const volatile unsigned char *)p)[i];
		munmap((void *)p, len);
		off += len;
		printf("# %s: %llu MiB read, %ld s\n", argv[1],
		       (unsigned long long)(off >> 20), (long)(time(NULL) - start));
		fflush(stdout);
	}
	printf("read %llu of %llu bytes (sum %llu)\n", (unsigned long long)off,
	       (unsigned long long)st.st_size, (unsigned long long)sum);
	return off == st.st_size ? 0 : 1;
}
