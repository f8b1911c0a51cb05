package fpm

import (
	"github.com/fcgilint/fcgilint/lint/diag"
)

// Setting is a directive's effective value and where it was set. A setting
// never written has Set false, Value the default php-fpm uses, and a zero
// Location.
type Setting struct {
	Value    string
	Set      bool
	Location diag.Location // the value as written (or the directive's name when the value is empty)
	// Directive is the location of the directive's name.
	Directive diag.Location
}

// Int is an integer setting (times are in seconds).
type Int struct {
	Value    int
	Set      bool
	Location diag.Location
}

// Config is what php-fpm will run: the global section, the pools, and
// whether it starts at all.
type Config struct {
	// Main is the configuration file php-fpm reads first (-y).
	Main string
	// Files lists every file read, the main file first, in reading order.
	Files []string
	// Fragment is true when the file given to Load was a pool file that no
	// main configuration could be found for. It was analysed as if included
	// at the end of a [global] section, and checks that need the whole
	// configuration (no pool, missing listen/pm/user) were not made.
	Fragment bool
	// Prefix is the global prefix: -p, else the compile-time prefix.
	Prefix string
	// MasterIsRoot and AllowRoot repeat the options the model was built for.
	MasterIsRoot bool
	AllowRoot    bool

	Global Global
	Pools  []*Pool

	// Starts is false when php-fpm will refuse to start (any error).
	Starts bool
}

// Global is the [global] section.
type Global struct {
	Pid             Setting
	ErrorLog        Setting // absolute path, or "syslog"
	LogLevel        Setting
	ProcessMax      Int
	ProcessPriority Int
	Daemonize       Setting
	EventsMechanism Setting
	// Values holds every global directive set, by lower-case name.
	Values map[string]Setting
}

// ListenKind is the socket family of a pool's listen address.
type ListenKind int

const (
	// ListenNone: no usable listen address.
	ListenNone ListenKind = iota
	// ListenUnix: a unix socket path.
	ListenUnix
	// ListenTCP: a TCP address.
	ListenTCP
)

func (k ListenKind) String() string {
	switch k {
	case ListenUnix:
		return "unix"
	case ListenTCP:
		return "tcp"
	}
	return "none"
}

// Listen is a pool's listening socket as php-fpm will create it.
type Listen struct {
	// Raw is the listen value after ${VAR}, $pool and last-wins, before the
	// prefix is applied: the string php-fpm compares between pools.
	Raw  string
	Kind ListenKind
	// Path is the absolute unix socket path (prefix applied). php-fpm 8.2
	// silently truncates it to 107 bytes; PathTruncated is then true and
	// Path is what it binds.
	Path          string
	PathTruncated bool
	// Host is the TCP address as written ("" for a port alone); Port is
	// the port php-fpm binds (atoi of the text after the last ':').
	Host string
	Port int
	// Family is "ipv4", "ipv6", "dual" (:: or a port alone: IPv6 and
	// IPv4-mapped) or "" for an unresolved host name.
	Family string
	// Addresses are the addresses php-fpm binds: exactly one, the first
	// resolvable one ("::" for a port alone, "::1" for localhost with a
	// standard /etc/hosts, ...). Empty when it depends on DNS.
	Addresses []string
	// HostDependent is true when the address depends on name resolution
	// on the host (localhost, other host names).
	HostDependent bool
	Location      diag.Location
}

// SocketPerm is the owner, group and mode php-fpm gives a unix socket.
type SocketPerm struct {
	// Owner and Group are names when known ("" when only the id is known).
	Owner    string
	OwnerUID int
	Group    string
	GroupGID int
	// Mode is the permission bits (listen.mode read as octal, default 0660).
	Mode uint32
	// ACLUsers and ACLGroups are the POSIX ACL entries (each gets rw).
	// When either is set, listen.owner and listen.group are ignored.
	ACLUsers  []string
	ACLGroups []string
	// Where each part was decided.
	OwnerLocation diag.Location
	GroupLocation diag.Location
	ModeLocation  diag.Location
	ACLLocation   diag.Location
}

// Pool is one [pool] as php-fpm will run it.
type Pool struct {
	Name string
	// Sections are the locations of every [name] header of this pool
	// (a pool name seen again re-opens it).
	Sections []diag.Location

	Prefix Setting // the pool prefix, absolute
	Listen Listen
	Socket SocketPerm

	// AllowedClients are the entries php-fpm accepts (after the same
	// parsing as fastcgi.c); AllowedClientsSet tells "any client" (false)
	// from a list.
	AllowedClients      []string
	AllowedClientsSet   bool
	AllowedClientsWhere diag.Location

	// User and Group of the workers, with resolved ids (-1 when unknown).
	User  Setting
	UID   int
	Group Setting
	GID   int

	PM                      Setting // static, dynamic or ondemand (lower case)
	MaxChildren             Int
	StartServers            Int
	MinSpareServers         Int
	MaxSpareServers         Int
	MaxSpawnRate            Int
	ProcessIdleTimeout      Int
	MaxRequests             Int
	RequestTerminateTimeout Int // seconds, 0 = never
	RequestSlowlogTimeout   Int
	Slowlog                 Setting
	AccessLog               Setting

	Chroot Setting
	Chdir  Setting

	// LimitExtensions is security.limit_extensions split on blanks; an
	// empty list with LimitExtensionsSet means every extension is allowed.
	LimitExtensions      []string
	LimitExtensionsWhere Setting

	ClearEnv   Setting
	StatusPath Setting
	PingPath   Setting

	// Values holds every scalar pool directive set, by lower-case name.
	Values map[string]Setting
	// PHPValues, PHPAdminValues: paths of the keys php-fpm expands
	// (error_log, extension_dir, ...) are made absolute with the prefix.
	// PHPValues, PHPAdminValues and Env hold the array directives; the
	// first definition of a key wins, as in php-fpm.
	PHPValues      map[string]Setting
	PHPAdminValues map[string]Setting
	Env            map[string]Setting

	// Fatal is true when an error of this pool itself stops php-fpm.
	Fatal bool
	// Starts is true when php-fpm will run this pool: the master starts
	// (no fatal error anywhere; one bad pool stops every pool).
	Starts bool
}
