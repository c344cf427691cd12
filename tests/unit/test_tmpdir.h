/* test_tmpdir.h -- the temporary folder a unit test's group works in: made before the group
 * under $TMPDIR (or /tmp), removed with everything in it after. */
#ifndef TEST_TMPDIR_H
#define TEST_TMPDIR_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#define TEST_DIR_LEN 256

static char test_dir[TEST_DIR_LEN];

static int test_tmpdir_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Makes test_dir, "segcont-NAME-XXXXXX". 0 or -1. */
static int test_tmpdir_make(const char *name)
{
	snprintf(test_dir, sizeof(test_dir), "%s/segcont-%s-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", name);
	return mkdtemp(test_dir) != NULL ? 0 : -1;
}

/* Removes test_dir and everything in it. 0 or -1. */
static int test_tmpdir_remove(void)
{
	return nftw(test_dir, test_tmpdir_rm, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
