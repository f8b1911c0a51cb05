package main

import (
	"strings"
	"testing"
)

// A made-up module exercising what the scanner must handle.
const sample = `
#define MY_CTX   (NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF)
#define MY_ARGS  NGX_CONF_TAKE12

static ngx_conf_enum_t  my_modes[] = {
    { ngx_string("off"), 0 },
    { ngx_string("on"), 1 },
#if (NGX_HAVE_X)
    { ngx_string("x"), 2 },
#endif
    { ngx_null_string, 0 }
};

static ngx_conf_num_bounds_t  my_bounds = {
    ngx_conf_check_num_bounds, 1, MY_MAX
};
#define MY_MAX 9

static ngx_conf_post_t  my_post = { my_check };

/* { ngx_string("commented_out"), 0, NULL, 0, 0, NULL }, */

static ngx_command_t  my_commands[] = {

    { ngx_string("my_mode"),
      MY_CTX|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(my_conf_t, mode),
      &my_modes },

#if (NGX_HAVE_Y)
    { ngx_string("my_level"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
#if (NGX_Z)
      offsetof(my_conf_t, level),
#else
      0,
#endif
      &my_bounds },
#else
    { ngx_string("my_other"),
      NGX_HTTP_LOC_CONF|MY_ARGS,
      my_other,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      &my_post },
#endif

    { ngx_string ("my_block"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_BLOCK|NGX_CONF_NOARGS,
      my_block,
      0, 0, NULL },

    { ngx_string("my_zone"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      my_zone,
      0, 0, NULL },

    { ngx_string("my_wrap"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      my_wrap,
      0, 0, NULL },

      ngx_null_command
};

ngx_module_t  my_module = {
    NGX_MODULE_V1,
    &my_module_ctx,
    my_commands,
    NGX_HTTP_MODULE,
    NULL,
    NGX_MODULE_V1_PADDING
};

static char *
my_other(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    my_conf_t *mcf = conf;

    if (mcf->other) {
        return "is duplicate";
    }
    return NGX_CONF_OK;
}

static char *
my_block(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    cf->handler = my_line;
    return ngx_conf_parse(cf, NULL);
}

static char *
my_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    for (i = 0; i < n; i++) {
        if (zones[i] == zone) {
            return "is duplicate";
        }
    }
    return NGX_CONF_OK;
}

static char *
my_wrap(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    return ngx_conf_set_str_slot(cf, cmd, conf);
}
`

// the nginx functions the sample relies on
const core = `
char *
ngx_conf_set_str_slot(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    if (field->data) {
        return "is duplicate";
    }
    return NGX_CONF_OK;
}

char *
ngx_conf_set_num_slot(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    if (*np != NGX_CONF_UNSET) {
        return "is duplicate";
    }
    return NGX_CONF_OK;
}

char *
ngx_conf_set_enum_slot(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    if (*np != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }
    return NGX_CONF_OK;
}
`

func indexOf(files map[string]string) *repoIndex {
	ix := &repoIndex{Repo: "test", byBase: map[string][]*fileInfo{}, defines: map[string][]token{},
		funcs: map[string]funcDef{}, arrays: map[string][]*fileInfo{}, enums: map[string][]string{},
		bitmasks: map[string][]string{}, posts: map[string]postDef{}}
	for p, src := range files {
		fi := scanFile(p, []byte(src))
		ix.files = append(ix.files, fi)
		for k, v := range fi.Defines {
			ix.defines[k] = v
		}
		for k, v := range fi.Funcs {
			ix.funcs[k] = v
		}
		for k := range fi.Arrays {
			ix.arrays[k] = append(ix.arrays[k], fi)
		}
		for k, v := range fi.Enums {
			ix.enums[k] = v
		}
		for k, v := range fi.Posts {
			ix.posts[k] = v
		}
	}
	return ix
}

func TestScanSample(t *testing.T) {
	ix := indexOf(map[string]string{"my.c": sample})
	ix.fallback = []*repoIndex{indexOf(map[string]string{
		"ngx_conf_file.h": "#define NGX_CONF_TAKE12 (NGX_CONF_TAKE1|NGX_CONF_TAKE2)\n",
		"ngx_conf_file.c": core,
	})}
	rows, warns, err := ix.rows()
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) > 0 {
		t.Errorf("warnings: %v", warns)
	}
	got := map[string]string{}
	var names []string
	for _, r := range rows {
		names = append(names, r.Name)
		got[r.Name] = strings.Join([]string{r.Module, r.MType, r.Flags, r.Value, r.Dup, r.Block}, " ")
	}
	if strings.Join(names, ",") != "my_mode,my_level,my_other,my_block,my_zone,my_wrap" {
		t.Errorf("names %v", names)
	}
	want := map[string]string{
		"my_mode":  "my_module http HTTP_SRV|HTTP_LOC|TAKE1 enum:off,on,x yes -",
		"my_level": "my_module http HTTP_LOC|TAKE1 num;post=bounds:1,9 yes -",
		"my_other": "my_module http HTTP_LOC|TAKE1|TAKE2 custom:my_other yes -",
		"my_block": "my_module http HTTP_MAIN|BLOCK|NOARGS custom:my_block no handler:my_line",
		"my_zone":  "my_module http HTTP_LOC|TAKE1 custom:my_zone no -",
		"my_wrap":  "my_module http HTTP_LOC|TAKE1 custom:my_wrap yes -",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s:\n got %s\nwant %s", k, got[k], v)
		}
	}
}

func TestTokenize(t *testing.T) {
	toks := tokenize([]byte("a /* b */ \"c\\\"d\" // e\n#if X \\\n  Y\nf 'g'"))
	var s []string
	for _, tk := range toks {
		s = append(s, tk.S)
	}
	if got := strings.Join(s, "|"); got != `a|c"d|if X    Y|f|g` {
		t.Errorf("tokens %q", got)
	}
}

func TestMergeVersions(t *testing.T) {
	rels := []nginxRelease{{Label: "1.22.1"}, {Label: "1.23.0"}, {Label: "1.24.0"}, {Label: "1.25.0"}}
	at := [][]row{
		{{Name: "a", Module: "m", Flags: "X"}, {Name: "gone", Module: "m"}},
		{{Name: "a", Module: "m", Flags: "X"}, {Name: "gone", Module: "m"}, {Name: "new", Module: "m"}},
		{{Name: "a", Module: "m", Flags: "Y"}, {Name: "new", Module: "m"}},
		{{Name: "a", Module: "m", Flags: "Y"}, {Name: "new", Module: "m"}},
	}
	got := map[string]bool{}
	for _, r := range mergeVersions(rels, func(i int) []row { return at[i] }) {
		got[r.Name+" "+r.Flags+" "+r.Since+" "+r.Until] = true
	}
	for _, w := range []string{"a X - 1.23.0", "a Y 1.24.0 -", "gone  - 1.23.0", "new  1.23.0 -"} {
		if !got[w] {
			t.Errorf("missing %q in %v", w, got)
		}
	}
	if len(got) != 4 {
		t.Errorf("rows %v", got)
	}
}

// ngx_set_user's "is duplicate" is in the #else of `#if (NGX_WIN32)`: the
// branch Linux builds compile.
func TestFirstBranchTakesTheLinuxSideOfWin32(t *testing.T) {
	src := `static char *
ngx_set_user(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
#if (NGX_WIN32)
    return NGX_CONF_OK;
#else
    if (ccf->user != (uid_t) NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }
    return NGX_CONF_OK;
#endif
}
`
	toks := firstBranch(tokenize([]byte(src)))
	var sawDup, sawWin bool
	for i, tk := range toks {
		sawDup = sawDup || (tk.K == tStr && tk.S == "is duplicate")
		sawWin = sawWin || (tk.is("return") && i+1 < len(toks) && toks[i+1].is("NGX_CONF_OK") && !sawDup)
	}
	if !sawDup || sawWin {
		t.Fatalf("want the #else branch only; duplicate seen %v, win32 branch seen %v", sawDup, sawWin)
	}
}
