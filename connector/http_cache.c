/* http_cache.c -- what each server thread keeps between requests: its store connection,
 * three caches (answers, token users, list totals) that are one find-or-evict structure,
 * each entry valid at one data version (any commit anywhere moves it), the hashes of the
 * Authorization headers it has seen, and a reused answer buffer. */
#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

/* One remembered thing: its key, the data version it was true at, and what it is (an MHD
 * response, a user, or a number). */
struct http_cache_entry {
	char *key;
	unsigned long long version;
	void *value; /* owned: freed with the cache's drop */
	long long n;
};

/* A fixed set of entries; a new key takes the oldest slot (round robin). */
struct http_cache {
	struct http_cache_entry *entry;
	unsigned size;
	unsigned next;
	int secret; /* keys are token hashes: compared in constant time */
	void (*drop)(void *value);
};

/* An Authorization header seen (by its keyed SipHash-2-4, 128 bits: the token itself is
 * not kept) and its token hash, so that the next request with it skips the SHA-256. */
struct http_cache_token {
	unsigned char tag[crypto_shorthash_siphashx24_BYTES];
	char hash[AUTH_HASH_LEN + 1];
	int used;
};

/* A token's user, as the user cache keeps it. */
struct http_cache_user {
	struct store_user user;
	int role;
};

struct http_thread {
	struct store *store;
	struct http_cache answers; /* MHD responses (MHD counts their references) */
	struct http_cache users;   /* struct http_cache_user */
	struct http_cache totals;  /* n */
	struct buf spare;	   /* an answer buffer, kept between requests (capacity only) */
	struct http_cache_token token[HTTP_API_AUTH_CACHE];
	unsigned next_token;
	/* the connection's data_version and when it was read (see http_cache_version) */
	int dv_known;
	unsigned long long dv;
	long long dv_checked_ms;
};

static pthread_key_t http_cache_key;
static pthread_once_t http_cache_once = PTHREAD_ONCE_INIT;
/* The SipHash key of the headers' tags: random, this process's. */
static unsigned char http_cache_tag_key[crypto_shorthash_siphashx24_KEYBYTES];

/* ---- The structure */

static void http_cache_init(struct http_cache *c, unsigned size, int secret,
			    void (*drop)(void *value))
{
	c->entry = xcalloc(size, sizeof(*c->entry));
	c->size = size;
	c->next = 0;
	c->secret = secret;
	c->drop = drop;
}

static void http_cache_clear(struct http_cache *c)
{
	for (unsigned i = 0; i < c->size; i++) {
		free(c->entry[i].key);
		if (c->entry[i].value != NULL && c->drop != NULL)
			c->drop(c->entry[i].value);
	}
	free(c->entry);
	c->entry = NULL;
}

static int http_cache_same_key(const struct http_cache *c, const char *a, const char *b)
{
	size_t n = strlen(b);

	if (!c->secret)
		return strcmp(a, b) == 0;
	return strlen(a) == n && sodium_memcmp(a, b, n) == 0;
}

/* The entry of key valid at version, or NULL. */
static struct http_cache_entry *http_cache_find(struct http_cache *c, const char *key,
						unsigned long long version)
{
	for (unsigned i = 0; i < c->size; i++) {
		struct http_cache_entry *e = &c->entry[i];

		if (e->key != NULL && e->version == version && http_cache_same_key(c, e->key, key))
			return e;
	}
	return NULL;
}

/* The entry to keep key in at version: key's own if there, else the oldest slot, emptied.
 * The old value is dropped; the caller sets the new one. Takes key (a new string). */
static struct http_cache_entry *http_cache_claim(struct http_cache *c, char *key,
						 unsigned long long version)
{
	struct http_cache_entry *e = NULL;

	for (unsigned i = 0; i < c->size && e == NULL; i++) {
		if (c->entry[i].key != NULL && http_cache_same_key(c, c->entry[i].key, key))
			e = &c->entry[i];
	}
	if (e == NULL) {
		e = &c->entry[c->next];
		c->next = (c->next + 1) % c->size;
	}
	free(e->key);
	e->key = key;
	if (e->value != NULL && c->drop != NULL)
		c->drop(e->value);
	e->value = NULL;
	e->n = 0;
	e->version = version;
	return e;
}

/* ---- Per-thread state */

static void http_cache_drop_response(void *value)
{
	MHD_destroy_response(value); /* drops the cache's reference only */
}

static void http_cache_thread_free(void *p)
{
	struct http_thread *th = p;

	http_cache_clear(&th->answers);
	http_cache_clear(&th->users);
	http_cache_clear(&th->totals);
	buf_free(&th->spare);
	sodium_memzero(th->token, sizeof(th->token));
	store_close(th->store);
	free(th);
}

static void http_cache_key_init(void)
{
	pthread_key_create(&http_cache_key, http_cache_thread_free);
	if (sodium_init() < 0)
		abort(); /* randombytes cannot work without it (as auth_token_new) */
	randombytes_buf(http_cache_tag_key, sizeof(http_cache_tag_key));
}

struct http_thread *http_cache_thread(void)
{
	struct http_thread *th;

	pthread_once(&http_cache_once, http_cache_key_init);
	th = pthread_getspecific(http_cache_key);
	if (th != NULL)
		return th;
	th = xcalloc(1, sizeof(*th));
	http_cache_init(&th->answers, HTTP_API_CACHE_ENTRIES, 0, http_cache_drop_response);
	http_cache_init(&th->users, HTTP_API_AUTH_CACHE, 1, free);
	http_cache_init(&th->totals, HTTP_API_COUNT_CACHE, 0, NULL);
	buf_init(&th->spare);
	pthread_setspecific(http_cache_key, th);
	return th;
}

struct store **http_cache_store(struct http_thread *th)
{
	return &th->store;
}

void http_cache_buf_take(struct http_thread *th, struct buf *b)
{
	*b = th->spare;
	buf_init(&th->spare);
}

void http_cache_buf_give(struct http_thread *th, struct buf *b)
{
	if (th->spare.data == NULL && b->data != NULL && b->cap <= HTTP_API_SPARE_MAX) {
		buf_reset(b);
		th->spare = *b;
	} else {
		buf_free(b);
	}
	buf_init(b);
}

/* The version the caches compare, once per request: this process's commit count (every
 * write of the API and of the poller moves it at once) plus the connection's data_version,
 * which sees other processes' commits (a `segcont user token` rotation, a `sync --once`)
 * and is re-read at most every HTTP_API_VERSION_TTL_MS, sparing a read transaction -- and
 * its file-lock system calls -- per request. Both only grow, so their sum changes when
 * either does. 0 or -1. */
static int http_cache_version(struct http_request *req, struct store *s)
{
	struct http_thread *th = req->th;
	long long now_ms = req->start_us / 1000;

	if (req->have_version)
		return 0;
	if (s == NULL)
		return -1;
	if (!th->dv_known || now_ms - th->dv_checked_ms >= HTTP_API_VERSION_TTL_MS) {
		if (store_data_version(s, &th->dv) < 0)
			return -1;
		th->dv_known = 1;
		th->dv_checked_ms = now_ms;
	}
	req->version = store_commits() + th->dv;
	req->have_version = 1;
	return 0;
}

/* ---- The three uses */

int http_cache_answer_get(struct http_request *req, struct store *s, const char *key)
{
	struct http_cache_entry *e;

	if (!req->api->cache_enabled || http_cache_version(req, s) < 0)
		return 0;
	e = http_cache_find(&req->th->answers, key, req->version);
	if (e != NULL) {
		req->hit = e->value;
		req->status = 200;
		return 1;
	}
	free(req->cache_key);
	req->cache_key = xstrdup(key);
	return 0;
}

int http_cache_answer_put(struct http_request *req, struct MHD_Response *resp, size_t len)
{
	struct http_cache_entry *e;

	if (req->cache_key == NULL || !req->have_version || req->status != 200 ||
	    len > HTTP_API_CACHE_BODY_MAX)
		return 0;
	e = http_cache_claim(&req->th->answers, req->cache_key, req->version);
	req->cache_key = NULL;
	e->value = resp;
	return 1;
}

long long http_cache_total_get(struct http_request *req, struct store *s, const char *key)
{
	const struct http_cache_entry *e;

	if (!req->api->cache_enabled || http_cache_version(req, s) < 0)
		return -1;
	e = http_cache_find(&req->th->totals, key, req->version);
	return e != NULL ? e->n : -1;
}

void http_cache_total_put(struct http_request *req, const char *key, long long total)
{
	if (!req->api->cache_enabled || !req->have_version)
		return;
	http_cache_claim(&req->th->totals, xstrdup(key), req->version)->n = total;
}

enum auth_result http_cache_user(struct http_request *req, struct store *s, const char *hash)
{
	const struct http_cache_entry *e;
	struct http_cache_user *u;
	enum auth_result r;

	if (http_cache_version(req, s) < 0)
		return AUTH_ERROR;
	e = http_cache_find(&req->th->users, hash, req->version);
	if (e != NULL) {
		const struct http_cache_user *hit = e->value;

		req->user = hit->user;
		req->role = hit->role;
		return AUTH_OK;
	}
	r = auth_lookup(s, hash, &req->user, &req->role);
	if (r != AUTH_OK)
		return r;
	u = xmalloc(sizeof(*u));
	u->user = req->user;
	u->role = req->role;
	http_cache_claim(&req->th->users, xstrdup(hash), req->version)->value = u;
	return AUTH_OK;
}

enum auth_result http_cache_token_hash(struct http_thread *th, const char *authorization,
				       char hash[AUTH_HASH_LEN + 1])
{
	unsigned char tag[crypto_shorthash_siphashx24_BYTES];
	size_t n = authorization != NULL ? strnlen(authorization, AUTH_HEADER_MAX) : 0;
	struct http_cache_token *t;
	enum auth_result r;

	if (authorization == NULL || n >= AUTH_HEADER_MAX)
		return auth_parse_header(authorization, hash);
	crypto_shorthash_siphashx24(tag, (const unsigned char *)authorization, n,
				    http_cache_tag_key);
	for (unsigned i = 0; i < HTTP_API_AUTH_CACHE; i++) {
		t = &th->token[i];
		if (t->used && sodium_memcmp(t->tag, tag, sizeof(tag)) == 0) {
			memcpy(hash, t->hash, AUTH_HASH_LEN + 1);
			return AUTH_OK;
		}
	}
	r = auth_parse_header(authorization, hash);
	if (r != AUTH_OK)
		return r;
	t = &th->token[th->next_token];
	th->next_token = (th->next_token + 1) % HTTP_API_AUTH_CACHE;
	memcpy(t->tag, tag, sizeof(tag));
	memcpy(t->hash, hash, AUTH_HASH_LEN + 1);
	t->used = 1;
	return AUTH_OK;
}
