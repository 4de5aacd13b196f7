/* SPDX-License-Identifier: MIT */
/*
 * Reading decision logs on every CPU. The reader thread cuts the input into blocks of whole
 * lines; workers scan them into needs tables of their own, which are merged at the end (the
 * aggregate does not depend on record order, so the result is the same as reading serially).
 * Line numbers in messages are exact: each block counts its lines, and a block's first line
 * number is known once all earlier blocks are counted, which is when messages are printed.
 * Memory: at most QUEUE_BLOCKS blocks in flight, plus a few counters per block.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prof.h"

#define BLOCK_SIZE   (4u << 20)
#define QUEUE_BLOCKS 4
#define MAX_WORKERS  8
/* Buffers of this size are recycled: a fresh 4 MiB malloc is a fresh mmap, and its page faults
 * and zeroing showed up as a quarter of the time in perf. */
#define BUFFER_SIZE  (BLOCK_SIZE + (64u << 10))
#define POOL_BUFFERS (QUEUE_BLOCKS + MAX_WORKERS + 1)
/* Same as prof_input.c: malformed lines reported one by one before only counting. */
#define BAD_REPORTED 10

struct bad_line {
	unsigned long long line; /* within the block, 1-based */
	const char *why;
};

struct block_result {
	unsigned long long lines;
	unsigned long long bad;
	struct bad_line reports[BAD_REPORTED];
	unsigned n_reports;
	int error; /* negative errno other than a bad line (no memory) */
};

struct block {
	char *data;
	size_t len;
	size_t seq;
	size_t cap;
};

struct shared {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct block queue[QUEUE_BLOCKS];
	size_t head, count;
	bool eof;
	bool stop; /* a worker hit an error that stops the read */
	struct block_result *results;
	size_t n_results, cap_results;
	bool skip_bad;
	char *pool[POOL_BUFFERS]; /* recycled BUFFER_SIZE buffers */
	size_t n_pool;
};

/* A buffer of at least size bytes; *cap says how big. */
static char *get_buffer(struct shared *sh, size_t size, size_t *cap)
{
	char *buf = NULL;

	if (size > BUFFER_SIZE) {
		*cap = size;
		return malloc(size);
	}
	pthread_mutex_lock(&sh->lock);
	if (sh->n_pool)
		buf = sh->pool[--sh->n_pool];
	pthread_mutex_unlock(&sh->lock);
	*cap = BUFFER_SIZE;
	return buf ? buf : malloc(BUFFER_SIZE);
}

/* Called with sh->lock held. */
static void put_buffer_locked(struct shared *sh, char *buf, size_t cap)
{
	if (cap == BUFFER_SIZE && sh->n_pool < POOL_BUFFERS)
		sh->pool[sh->n_pool++] = buf;
	else
		free(buf);
}

struct worker {
	pthread_t thread;
	struct shared *sh;
	struct prof_needs *needs;
};

static void scan_block(struct worker *w, const struct block *b, struct block_result *r)
{
	const char *p = b->data, *end = b->data + b->len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		const char *why = NULL;
		int rc;

		r->lines++;
		if (len && p[len - 1] == '\r')
			len--;
		rc = len ? prof_needs_add_line(w->needs, p, len, &why) : 0;
		if (rc == -EINVAL) {
			if (r->n_reports < BAD_REPORTED)
				r->reports[r->n_reports++] = (struct bad_line){r->lines, why};
			r->bad++;
			if (!w->sh->skip_bad)
				return;
		} else if (rc < 0) {
			r->error = rc;
			return;
		}
		p = nl ? nl + 1 : end;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;

	for (;;) {
		struct block b;
		struct block_result r = {0};

		pthread_mutex_lock(&sh->lock);
		while (!sh->count && !sh->eof && !sh->stop)
			pthread_cond_wait(&sh->changed, &sh->lock);
		if (!sh->count || sh->stop) {
			pthread_mutex_unlock(&sh->lock);
			return NULL;
		}
		b = sh->queue[sh->head];
		sh->head = (sh->head + 1) % QUEUE_BLOCKS;
		sh->count--;
		pthread_cond_broadcast(&sh->changed);
		pthread_mutex_unlock(&sh->lock);

		scan_block(w, &b, &r);

		pthread_mutex_lock(&sh->lock);
		put_buffer_locked(sh, b.data, b.cap);
		sh->results[b.seq] = r;
		if (r.error || (r.bad && !sh->skip_bad))
			sh->stop = true;
		pthread_cond_broadcast(&sh->changed);
		pthread_mutex_unlock(&sh->lock);
	}
}

/* Queues one block (the reader thread); false once the workers stopped. */
static bool push_block(struct shared *sh, char *data, size_t len, size_t cap)
{
	pthread_mutex_lock(&sh->lock);
	while (sh->count == QUEUE_BLOCKS && !sh->stop)
		pthread_cond_wait(&sh->changed, &sh->lock);
	if (sh->stop) {
		pthread_mutex_unlock(&sh->lock);
		free(data);
		return false;
	}
	if (sh->n_results == sh->cap_results) {
		size_t nc = sh->cap_results ? sh->cap_results * 2 : 64;
		struct block_result *v = realloc(sh->results, nc * sizeof(*v));

		if (!v) {
			sh->stop = true;
			pthread_mutex_unlock(&sh->lock);
			free(data);
			return false;
		}
		memset(v + sh->cap_results, 0, (nc - sh->cap_results) * sizeof(*v));
		sh->results = v;
		sh->cap_results = nc;
	}
	sh->queue[(sh->head + sh->count) % QUEUE_BLOCKS] =
	        (struct block){data, len, sh->n_results++, cap};
	sh->count++;
	pthread_cond_broadcast(&sh->changed);
	pthread_mutex_unlock(&sh->lock);
	return true;
}

/* Reads the input into blocks that end at a newline. Returns 0 or a negative errno. */
static int read_blocks(struct shared *sh, int fd, bool progress, const char *path)
{
	char *carry = NULL;
	size_t carry_len = 0;
	unsigned long long total = 0;

	for (;;) {
		size_t cap, len = carry_len;
		char *buf = get_buffer(sh, BLOCK_SIZE + carry_len, &cap);
		ssize_t n = 0;

		if (!buf) {
			free(carry);
			return -ENOMEM;
		}
		if (carry_len)
			memcpy(buf, carry, carry_len);
		free(carry);
		carry = NULL;
		carry_len = 0;
		while (len < cap) {
			n = read(fd, buf + len, cap - len);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			len += (size_t)n;
		}
		if (n < 0) {
			int e = -errno;

			free(buf);
			return e;
		}
		total += len;
		if (progress)
			fprintf(stderr, "\r%s: %llu MiB", path, total >> 20);
		if (n == 0) {
			/* End of input: the rest is the last line (without a newline). */
			if (len)
				push_block(sh, buf, len, cap);
			else
				free(buf);
			return 0;
		}
		/* Cut after the last newline; the partial line starts the next block. */
		char *last = memrchr(buf, '\n', len);
		if (!last) {
			/* One line longer than a block: keep reading into a bigger buffer. */
			carry = buf;
			carry_len = len;
			continue;
		}
		carry_len = len - (size_t)(last + 1 - buf);
		if (carry_len) {
			carry = malloc(carry_len);
			if (!carry) {
				free(buf);
				return -ENOMEM;
			}
			memcpy(carry, last + 1, carry_len);
		}
		if (!push_block(sh, buf, (size_t)(last + 1 - buf), cap)) {
			free(carry);
			return 0;
		}
	}
}

static unsigned worker_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MAX_WORKERS ? MAX_WORKERS : (unsigned)n;
}

int prof_needs_read(struct prof_needs *needs, const char *path, const struct prof_input_opts *opts,
                    struct prof_input_stats *stats, bouncer_error_t *err)
{
	struct shared sh = {.skip_bad = opts->skip_bad};
	struct worker workers[MAX_WORKERS] = {0};
	unsigned n_workers = worker_count(), started = 0;
	unsigned long long line_base = 0, reported = 0;
	bool progress = opts->progress && isatty(2);
	int fd = 0, rc = 0;

	if (n_workers == 1)
		return prof_input_lines(path, opts, prof_needs_add_line, needs, stats, err);
	if (strcmp(path, "-") != 0) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return bouncer_error_set(err, -errno, "%s: %s", path, strerror(errno));
	}
	pthread_mutex_init(&sh.lock, NULL);
	pthread_cond_init(&sh.changed, NULL);
	for (unsigned i = 0; i < n_workers; i++) {
		workers[i].sh = &sh;
		workers[i].needs = prof_needs_new();
		if (!workers[i].needs ||
		    pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) != 0) {
			prof_needs_free(workers[i].needs);
			workers[i].needs = NULL;
			break;
		}
		started++;
	}
	if (started == 0) {
		rc = bouncer_error_set(err, -ENOMEM, "%s: cannot start readers", path);
		goto out;
	}
	rc = read_blocks(&sh, fd, progress, path);
	pthread_mutex_lock(&sh.lock);
	sh.eof = true;
	pthread_cond_broadcast(&sh.changed);
	pthread_mutex_unlock(&sh.lock);
	for (unsigned i = 0; i < started; i++)
		pthread_join(workers[i].thread, NULL);
	if (progress)
		fputc('\n', stderr);
	if (rc < 0) {
		rc = bouncer_error_set(err, rc, "%s: %s", path, strerror(-rc));
		goto out;
	}
	/* Messages in input order, with absolute line numbers. */
	for (size_t b = 0; b < sh.n_results; b++) {
		const struct block_result *r = &sh.results[b];

		for (unsigned k = 0; k < r->n_reports; k++) {
			if (!opts->skip_bad) {
				rc = bouncer_error_set(err, -EINVAL, "%s:%llu: %s", path,
				                       line_base + r->reports[k].line,
				                       r->reports[k].why ? r->reports[k].why
				                                         : "malformed line");
				goto out;
			}
			if (reported++ < BAD_REPORTED)
				fprintf(stderr, "bouncer: %s:%llu: %s (skipped)\n", path,
				        line_base + r->reports[k].line,
				        r->reports[k].why ? r->reports[k].why : "malformed line");
		}
		if (r->error) {
			rc = bouncer_error_set(err, r->error, "%s:%llu: %s", path,
			                       line_base + r->lines, strerror(-r->error));
			goto out;
		}
		line_base += r->lines;
		stats->bad += r->bad;
	}
	stats->lines += line_base;
	for (unsigned i = 0; i < started; i++) {
		if (prof_needs_merge(needs, workers[i].needs) < 0) {
			rc = bouncer_error_set(err, -ENOMEM, "%s: out of memory", path);
			goto out;
		}
	}
out:
	for (unsigned i = 0; i < started; i++)
		prof_needs_free(workers[i].needs);
	for (size_t i = 0; i < sh.count; i++)
		free(sh.queue[(sh.head + i) % QUEUE_BLOCKS].data);
	for (size_t i = 0; i < sh.n_pool; i++)
		free(sh.pool[i]);
	free(sh.results);
	pthread_mutex_destroy(&sh.lock);
	pthread_cond_destroy(&sh.changed);
	if (fd > 0)
		close(fd);
	return rc;
}
