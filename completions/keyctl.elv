
use builtin;
use str;

set edit:completion:arg-completer[keyctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'keyctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'keyctl'= {
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create the tenant database; NAME becomes a tenant admin with a licence'
            cand users 'Manage users and their roles (tenant admins)'
            cand settings 'Show or change the tenant''s API-key settings'
            cand keys 'Generate, list, search, show, rename, revoke, delete and verify keys'
            cand revoke 'Revoke keys (same as `keys revoke`)'
            cand events 'List the audit log, or check its hash chain'
            cand copy 'Copy the whole tenant into a new database: a backup, or a move between backends'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;init'= {
            cand --admin 'The first tenant admin'
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;users'= {
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List users, their roles and licences'
            cand add 'Register a user'
            cand grant 'Give a user a role'
            cand ungrant 'Take a role from a user (the last tenant admin keeps theirs)'
            cand licence 'Give or take a user''s licence'
            cand remove 'Remove a user and revoke all their active keys'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;users;list'= {
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;users;add'= {
            cand --role 'Give this role (repeatable)'
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand --licence 'Give a licence (needed to generate keys)'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;users;grant'= {
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;users;ungrant'= {
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;users;licence'= {
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;users;remove'= {
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand --yes 'Do not ask for confirmation (required off a terminal)'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;users;help'= {
            cand list 'List users, their roles and licences'
            cand add 'Register a user'
            cand grant 'Give a user a role'
            cand ungrant 'Take a role from a user (the last tenant admin keeps theirs)'
            cand licence 'Give or take a user''s licence'
            cand remove 'Remove a user and revoke all their active keys'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;users;help;list'= {
        }
        &'keyctl;users;help;add'= {
        }
        &'keyctl;users;help;grant'= {
        }
        &'keyctl;users;help;ungrant'= {
        }
        &'keyctl;users;help;licence'= {
        }
        &'keyctl;users;help;remove'= {
        }
        &'keyctl;users;help;help'= {
        }
        &'keyctl;settings'= {
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand show 'Show the settings (the default)'
            cand enable 'Turn API keys on for the tenant'
            cand disable 'Turn API keys off: every key stops verifying until enabled again'
            cand set 'Change a setting; affects only keys generated afterwards'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;settings;show'= {
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;settings;enable'= {
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;settings;disable'= {
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand --yes 'Do not ask for confirmation (required off a terminal)'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;settings;set'= {
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand max-expiry 'Longest lifetime of a new key, e.g. 90d, 12h, P30D, PT24H'
            cand max-keys-per-user 'Most active keys per user (1-1000)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;settings;set;max-expiry'= {
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;settings;set;max-keys-per-user'= {
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;settings;set;help'= {
            cand max-expiry 'Longest lifetime of a new key, e.g. 90d, 12h, P30D, PT24H'
            cand max-keys-per-user 'Most active keys per user (1-1000)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;settings;set;help;max-expiry'= {
        }
        &'keyctl;settings;set;help;max-keys-per-user'= {
        }
        &'keyctl;settings;set;help;help'= {
        }
        &'keyctl;settings;help'= {
            cand show 'Show the settings (the default)'
            cand enable 'Turn API keys on for the tenant'
            cand disable 'Turn API keys off: every key stops verifying until enabled again'
            cand set 'Change a setting; affects only keys generated afterwards'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;settings;help;show'= {
        }
        &'keyctl;settings;help;enable'= {
        }
        &'keyctl;settings;help;disable'= {
        }
        &'keyctl;settings;help;set'= {
            cand max-expiry 'Longest lifetime of a new key, e.g. 90d, 12h, P30D, PT24H'
            cand max-keys-per-user 'Most active keys per user (1-1000)'
        }
        &'keyctl;settings;help;set;max-expiry'= {
        }
        &'keyctl;settings;help;set;max-keys-per-user'= {
        }
        &'keyctl;settings;help;help'= {
        }
        &'keyctl;keys'= {
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand generate 'Generate a key for yourself; the secret is shown once'
            cand list 'List keys (tenant admins: all; developers: their own)'
            cand search 'List keys whose name, ID or owner contains TERM (case-insensitive)'
            cand show 'Show one key'
            cand rename 'Rename one of your keys'
            cand revoke 'Revoke keys for good (tenant admins); IDs from arguments or stdin'
            cand delete 'Delete your own keys; IDs from arguments or stdin'
            cand rotate 'Replace one of your keys with a new one (same name); the secret is shown once'
            cand verify 'Check a key read from stdin; exit 0 and print its ID and owner if valid'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;keys;generate'= {
            cand --name 'Description of the key (asked for on a terminal when missing)'
            cand --expires-in 'Lifetime, at most the tenant''s max-expiry [default: max-expiry]'
            cand --expires-at 'Expiry time (RFC 3339), within max-expiry from now'
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;keys;list'= {
            cand --status 'Only keys with this status (repeatable)'
            cand --owner 'Only keys of this owner'
            cand --expiring-within 'Only active keys expiring within this duration, e.g. 7d'
            cand --sort 'Sort by this column, ascending [default: newest first]'
            cand --limit 'At most N keys'
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand --reverse 'Reverse the order'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;keys;search'= {
            cand --status 'Only keys with this status (repeatable)'
            cand --owner 'Only keys of this owner'
            cand --expiring-within 'Only active keys expiring within this duration, e.g. 7d'
            cand --sort 'Sort by this column, ascending [default: newest first]'
            cand --limit 'At most N keys'
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand --reverse 'Reverse the order'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;keys;show'= {
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;keys;rename'= {
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;keys;revoke'= {
            cand --owner 'Checklist: only keys of this owner'
            cand --search 'Checklist: only keys whose name, ID or owner contains TERM'
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand --yes 'Do not ask for confirmation (required off a terminal)'
            cand --dry-run 'Show what would happen; change nothing'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;keys;delete'= {
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand --yes 'Do not ask for confirmation (required off a terminal)'
            cand --dry-run 'Show what would happen; change nothing'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;keys;rotate'= {
            cand --grace 'How long the old key keeps working, e.g. 1h; 0 stops it at once [default: 0]'
            cand --expires-in 'Lifetime of the new key, at most the tenant''s max-expiry [default: max-expiry]'
            cand --expires-at 'Expiry time of the new key (RFC 3339), within max-expiry from now'
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;keys;verify'= {
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;keys;help'= {
            cand generate 'Generate a key for yourself; the secret is shown once'
            cand list 'List keys (tenant admins: all; developers: their own)'
            cand search 'List keys whose name, ID or owner contains TERM (case-insensitive)'
            cand show 'Show one key'
            cand rename 'Rename one of your keys'
            cand revoke 'Revoke keys for good (tenant admins); IDs from arguments or stdin'
            cand delete 'Delete your own keys; IDs from arguments or stdin'
            cand rotate 'Replace one of your keys with a new one (same name); the secret is shown once'
            cand verify 'Check a key read from stdin; exit 0 and print its ID and owner if valid'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;keys;help;generate'= {
        }
        &'keyctl;keys;help;list'= {
        }
        &'keyctl;keys;help;search'= {
        }
        &'keyctl;keys;help;show'= {
        }
        &'keyctl;keys;help;rename'= {
        }
        &'keyctl;keys;help;revoke'= {
        }
        &'keyctl;keys;help;delete'= {
        }
        &'keyctl;keys;help;rotate'= {
        }
        &'keyctl;keys;help;verify'= {
        }
        &'keyctl;keys;help;help'= {
        }
        &'keyctl;revoke'= {
            cand --owner 'Checklist: only keys of this owner'
            cand --search 'Checklist: only keys whose name, ID or owner contains TERM'
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand --yes 'Do not ask for confirmation (required off a terminal)'
            cand --dry-run 'Show what would happen; change nothing'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;events'= {
            cand --key 'Only events about this key'
            cand --actor 'Only events by this user'
            cand --type 'Only events of this type, e.g. api-key.revoked'
            cand --since 'Only events since T (RFC 3339, or a duration meaning that long ago: 1h, 7d)'
            cand --until 'Only events until T (RFC 3339, or a duration meaning that long ago)'
            cand --limit 'At most N events (the newest)'
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -f 'Print the matching events oldest first, then each new one as it is appended, until interrupted (JSON: one object per line)'
            cand --follow 'Print the matching events oldest first, then each new one as it is appended, until interrupted (JSON: one object per line)'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand show 'Show one event'
            cand verify 'Check the log''s hash chain; exit 1 naming the first bad event'
            cand head 'Print the newest event as ID:HASH, to keep elsewhere as an anchor'
            cand top 'Keys ranked by uses in a window, to spot extensive use'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;events;show'= {
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;events;verify'= {
            cand --anchor 'Also require the chain to pass through ID:HASH (from `events head`)'
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;events;head'= {
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;events;top'= {
            cand --since 'Window start (RFC 3339 or a duration ago) [default: 24h]'
            cand --limit 'At most N keys'
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;events;help'= {
            cand show 'Show one event'
            cand verify 'Check the log''s hash chain; exit 1 naming the first bad event'
            cand head 'Print the newest event as ID:HASH, to keep elsewhere as an anchor'
            cand top 'Keys ranked by uses in a window, to spot extensive use'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;events;help;show'= {
        }
        &'keyctl;events;help;verify'= {
        }
        &'keyctl;events;help;head'= {
        }
        &'keyctl;events;help;top'= {
        }
        &'keyctl;events;help;help'= {
        }
        &'keyctl;copy'= {
            cand --to 'The new database: a file that does not exist yet, or a postgres:// URL of an empty schema'
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;completions'= {
            cand --db 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]'
            cand --as 'Act as this user [default: the OS login name]'
            cand --format 'Output format'
            cand -q 'Print IDs only, one per line, where a command lists things'
            cand --quiet 'Print IDs only, one per line, where a command lists things'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'keyctl;help'= {
            cand init 'Create the tenant database; NAME becomes a tenant admin with a licence'
            cand users 'Manage users and their roles (tenant admins)'
            cand settings 'Show or change the tenant''s API-key settings'
            cand keys 'Generate, list, search, show, rename, revoke, delete and verify keys'
            cand revoke 'Revoke keys (same as `keys revoke`)'
            cand events 'List the audit log, or check its hash chain'
            cand copy 'Copy the whole tenant into a new database: a backup, or a move between backends'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'keyctl;help;init'= {
        }
        &'keyctl;help;users'= {
            cand list 'List users, their roles and licences'
            cand add 'Register a user'
            cand grant 'Give a user a role'
            cand ungrant 'Take a role from a user (the last tenant admin keeps theirs)'
            cand licence 'Give or take a user''s licence'
            cand remove 'Remove a user and revoke all their active keys'
        }
        &'keyctl;help;users;list'= {
        }
        &'keyctl;help;users;add'= {
        }
        &'keyctl;help;users;grant'= {
        }
        &'keyctl;help;users;ungrant'= {
        }
        &'keyctl;help;users;licence'= {
        }
        &'keyctl;help;users;remove'= {
        }
        &'keyctl;help;settings'= {
            cand show 'Show the settings (the default)'
            cand enable 'Turn API keys on for the tenant'
            cand disable 'Turn API keys off: every key stops verifying until enabled again'
            cand set 'Change a setting; affects only keys generated afterwards'
        }
        &'keyctl;help;settings;show'= {
        }
        &'keyctl;help;settings;enable'= {
        }
        &'keyctl;help;settings;disable'= {
        }
        &'keyctl;help;settings;set'= {
            cand max-expiry 'Longest lifetime of a new key, e.g. 90d, 12h, P30D, PT24H'
            cand max-keys-per-user 'Most active keys per user (1-1000)'
        }
        &'keyctl;help;settings;set;max-expiry'= {
        }
        &'keyctl;help;settings;set;max-keys-per-user'= {
        }
        &'keyctl;help;keys'= {
            cand generate 'Generate a key for yourself; the secret is shown once'
            cand list 'List keys (tenant admins: all; developers: their own)'
            cand search 'List keys whose name, ID or owner contains TERM (case-insensitive)'
            cand show 'Show one key'
            cand rename 'Rename one of your keys'
            cand revoke 'Revoke keys for good (tenant admins); IDs from arguments or stdin'
            cand delete 'Delete your own keys; IDs from arguments or stdin'
            cand rotate 'Replace one of your keys with a new one (same name); the secret is shown once'
            cand verify 'Check a key read from stdin; exit 0 and print its ID and owner if valid'
        }
        &'keyctl;help;keys;generate'= {
        }
        &'keyctl;help;keys;list'= {
        }
        &'keyctl;help;keys;search'= {
        }
        &'keyctl;help;keys;show'= {
        }
        &'keyctl;help;keys;rename'= {
        }
        &'keyctl;help;keys;revoke'= {
        }
        &'keyctl;help;keys;delete'= {
        }
        &'keyctl;help;keys;rotate'= {
        }
        &'keyctl;help;keys;verify'= {
        }
        &'keyctl;help;revoke'= {
        }
        &'keyctl;help;events'= {
            cand show 'Show one event'
            cand verify 'Check the log''s hash chain; exit 1 naming the first bad event'
            cand head 'Print the newest event as ID:HASH, to keep elsewhere as an anchor'
            cand top 'Keys ranked by uses in a window, to spot extensive use'
        }
        &'keyctl;help;events;show'= {
        }
        &'keyctl;help;events;verify'= {
        }
        &'keyctl;help;events;head'= {
        }
        &'keyctl;help;events;top'= {
        }
        &'keyctl;help;copy'= {
        }
        &'keyctl;help;completions'= {
        }
        &'keyctl;help;help'= {
        }
    ]
    $completions[$command]
}
