# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_keyctl_global_optspecs
    string join \n db= as= format= q/quiet h/help V/version
end

function __fish_keyctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_keyctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_keyctl_using_subcommand
    set -l cmd (__fish_keyctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c keyctl -n "__fish_keyctl_needs_command" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_needs_command" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_needs_command" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_needs_command" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_needs_command" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "init" -d 'Create the tenant database; NAME becomes a tenant admin with a licence'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "users" -d 'Manage users and their roles (tenant admins)'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "settings" -d 'Show or change the tenant\'s API-key settings'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "keys" -d 'Generate, list, search, show, rename, revoke, delete and verify keys'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "revoke" -d 'Revoke keys (same as `keys revoke`)'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "events" -d 'List the audit log, or check its hash chain'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "copy" -d 'Copy the whole tenant into a new database: a backup, or a move between backends'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c keyctl -n "__fish_keyctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand init" -l admin -d 'The first tenant admin' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand init" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand init" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand init" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand init" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand init" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and not __fish_seen_subcommand_from list add grant ungrant licence remove help" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and not __fish_seen_subcommand_from list add grant ungrant licence remove help" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and not __fish_seen_subcommand_from list add grant ungrant licence remove help" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and not __fish_seen_subcommand_from list add grant ungrant licence remove help" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and not __fish_seen_subcommand_from list add grant ungrant licence remove help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and not __fish_seen_subcommand_from list add grant ungrant licence remove help" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and not __fish_seen_subcommand_from list add grant ungrant licence remove help" -f -a "list" -d 'List users, their roles and licences'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and not __fish_seen_subcommand_from list add grant ungrant licence remove help" -f -a "add" -d 'Register a user'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and not __fish_seen_subcommand_from list add grant ungrant licence remove help" -f -a "grant" -d 'Give a user a role'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and not __fish_seen_subcommand_from list add grant ungrant licence remove help" -f -a "ungrant" -d 'Take a role from a user (the last tenant admin keeps theirs)'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and not __fish_seen_subcommand_from list add grant ungrant licence remove help" -f -a "licence" -d 'Give or take a user\'s licence'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and not __fish_seen_subcommand_from list add grant ungrant licence remove help" -f -a "remove" -d 'Remove a user and revoke all their active keys'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and not __fish_seen_subcommand_from list add grant ungrant licence remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from list" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from list" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from list" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from add" -l role -d 'Give this role (repeatable)' -r -f -a "developer\t'Generates, renames and deletes their own keys'
tenant-admin\t'Manages users, settings, revocation and events'
auditor\t'Reads everything (keys, events, users, settings) and changes nothing'"
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from add" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from add" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from add" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from add" -l licence -d 'Give a licence (needed to generate keys)'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from grant" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from grant" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from grant" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from grant" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from grant" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from grant" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from ungrant" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from ungrant" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from ungrant" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from ungrant" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from ungrant" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from ungrant" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from licence" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from licence" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from licence" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from licence" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from licence" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from licence" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from remove" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from remove" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from remove" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from remove" -l yes -d 'Do not ask for confirmation (required off a terminal)'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "list" -d 'List users, their roles and licences'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "add" -d 'Register a user'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "grant" -d 'Give a user a role'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "ungrant" -d 'Take a role from a user (the last tenant admin keeps theirs)'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "licence" -d 'Give or take a user\'s licence'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a user and revoke all their active keys'
complete -c keyctl -n "__fish_keyctl_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and not __fish_seen_subcommand_from show enable disable set help" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and not __fish_seen_subcommand_from show enable disable set help" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and not __fish_seen_subcommand_from show enable disable set help" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and not __fish_seen_subcommand_from show enable disable set help" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and not __fish_seen_subcommand_from show enable disable set help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and not __fish_seen_subcommand_from show enable disable set help" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and not __fish_seen_subcommand_from show enable disable set help" -f -a "show" -d 'Show the settings (the default)'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and not __fish_seen_subcommand_from show enable disable set help" -f -a "enable" -d 'Turn API keys on for the tenant'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and not __fish_seen_subcommand_from show enable disable set help" -f -a "disable" -d 'Turn API keys off: every key stops verifying until enabled again'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and not __fish_seen_subcommand_from show enable disable set help" -f -a "set" -d 'Change a setting; affects only keys generated afterwards'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and not __fish_seen_subcommand_from show enable disable set help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from show" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from show" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from show" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from enable" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from enable" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from enable" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from enable" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from enable" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from enable" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from disable" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from disable" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from disable" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from disable" -l yes -d 'Do not ask for confirmation (required off a terminal)'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from disable" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from disable" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from disable" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from set" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from set" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from set" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from set" -f -a "max-expiry" -d 'Longest lifetime of a new key, e.g. 90d, 12h, P30D, PT24H'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from set" -f -a "max-keys-per-user" -d 'Most active keys per user (1-1000)'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from set" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show the settings (the default)'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from help" -f -a "enable" -d 'Turn API keys on for the tenant'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from help" -f -a "disable" -d 'Turn API keys off: every key stops verifying until enabled again'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from help" -f -a "set" -d 'Change a setting; affects only keys generated afterwards'
complete -c keyctl -n "__fish_keyctl_using_subcommand settings; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and not __fish_seen_subcommand_from generate list search show rename revoke delete rotate verify help" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and not __fish_seen_subcommand_from generate list search show rename revoke delete rotate verify help" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and not __fish_seen_subcommand_from generate list search show rename revoke delete rotate verify help" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and not __fish_seen_subcommand_from generate list search show rename revoke delete rotate verify help" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and not __fish_seen_subcommand_from generate list search show rename revoke delete rotate verify help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and not __fish_seen_subcommand_from generate list search show rename revoke delete rotate verify help" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and not __fish_seen_subcommand_from generate list search show rename revoke delete rotate verify help" -f -a "generate" -d 'Generate a key for yourself; the secret is shown once'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and not __fish_seen_subcommand_from generate list search show rename revoke delete rotate verify help" -f -a "list" -d 'List keys (tenant admins: all; developers: their own)'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and not __fish_seen_subcommand_from generate list search show rename revoke delete rotate verify help" -f -a "search" -d 'List keys whose name, ID or owner contains TERM (case-insensitive)'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and not __fish_seen_subcommand_from generate list search show rename revoke delete rotate verify help" -f -a "show" -d 'Show one key'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and not __fish_seen_subcommand_from generate list search show rename revoke delete rotate verify help" -f -a "rename" -d 'Rename one of your keys'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and not __fish_seen_subcommand_from generate list search show rename revoke delete rotate verify help" -f -a "revoke" -d 'Revoke keys for good (tenant admins); IDs from arguments or stdin'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and not __fish_seen_subcommand_from generate list search show rename revoke delete rotate verify help" -f -a "delete" -d 'Delete your own keys; IDs from arguments or stdin'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and not __fish_seen_subcommand_from generate list search show rename revoke delete rotate verify help" -f -a "rotate" -d 'Replace one of your keys with a new one (same name); the secret is shown once'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and not __fish_seen_subcommand_from generate list search show rename revoke delete rotate verify help" -f -a "verify" -d 'Check a key read from stdin; exit 0 and print its ID and owner if valid'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and not __fish_seen_subcommand_from generate list search show rename revoke delete rotate verify help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from generate" -l name -d 'Description of the key (asked for on a terminal when missing)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from generate" -l expires-in -d 'Lifetime, at most the tenant\'s max-expiry [default: max-expiry]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from generate" -l expires-at -d 'Expiry time (RFC 3339), within max-expiry from now' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from generate" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from generate" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from generate" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from generate" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from generate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from generate" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from list" -l status -d 'Only keys with this status (repeatable)' -r -f -a "active\t''
expired\t''
revoked\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from list" -l owner -d 'Only keys of this owner' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from list" -l expiring-within -d 'Only active keys expiring within this duration, e.g. 7d' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from list" -l sort -d 'Sort by this column, ascending [default: newest first]' -r -f -a "name\t''
id\t''
owner\t''
created\t''
updated\t''
expires\t''
status\t''
last-used\t''
uses\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from list" -l limit -d 'At most N keys' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from list" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from list" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from list" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from list" -l reverse -d 'Reverse the order'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from search" -l status -d 'Only keys with this status (repeatable)' -r -f -a "active\t''
expired\t''
revoked\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from search" -l owner -d 'Only keys of this owner' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from search" -l expiring-within -d 'Only active keys expiring within this duration, e.g. 7d' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from search" -l sort -d 'Sort by this column, ascending [default: newest first]' -r -f -a "name\t''
id\t''
owner\t''
created\t''
updated\t''
expires\t''
status\t''
last-used\t''
uses\t''"
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from search" -l limit -d 'At most N keys' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from search" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from search" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from search" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from search" -l reverse -d 'Reverse the order'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from search" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from search" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from search" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from show" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from show" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from show" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from rename" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from rename" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from rename" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from rename" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from rename" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from rename" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -l owner -d 'Checklist: only keys of this owner' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -l search -d 'Checklist: only keys whose name, ID or owner contains TERM' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -l yes -d 'Do not ask for confirmation (required off a terminal)'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -l dry-run -d 'Show what would happen; change nothing'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from revoke" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from delete" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from delete" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from delete" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from delete" -l yes -d 'Do not ask for confirmation (required off a terminal)'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from delete" -l dry-run -d 'Show what would happen; change nothing'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l grace -d 'How long the old key keeps working, e.g. 1h; 0 stops it at once [default: 0]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l expires-in -d 'Lifetime of the new key, at most the tenant\'s max-expiry [default: max-expiry]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l expires-at -d 'Expiry time of the new key (RFC 3339), within max-expiry from now' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from rotate" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from verify" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from verify" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from verify" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "generate" -d 'Generate a key for yourself; the secret is shown once'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "list" -d 'List keys (tenant admins: all; developers: their own)'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "search" -d 'List keys whose name, ID or owner contains TERM (case-insensitive)'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one key'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "rename" -d 'Rename one of your keys'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revoke keys for good (tenant admins); IDs from arguments or stdin'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete your own keys; IDs from arguments or stdin'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'Replace one of your keys with a new one (same name); the secret is shown once'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check a key read from stdin; exit 0 and print its ID and owner if valid'
complete -c keyctl -n "__fish_keyctl_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand revoke" -l owner -d 'Checklist: only keys of this owner' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand revoke" -l search -d 'Checklist: only keys whose name, ID or owner contains TERM' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand revoke" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand revoke" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand revoke" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand revoke" -l yes -d 'Do not ask for confirmation (required off a terminal)'
complete -c keyctl -n "__fish_keyctl_using_subcommand revoke" -l dry-run -d 'Show what would happen; change nothing'
complete -c keyctl -n "__fish_keyctl_using_subcommand revoke" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand revoke" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from show verify head top help" -l key -d 'Only events about this key' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from show verify head top help" -l actor -d 'Only events by this user' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from show verify head top help" -l type -d 'Only events of this type, e.g. api-key.revoked' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from show verify head top help" -l since -d 'Only events since T (RFC 3339, or a duration meaning that long ago: 1h, 7d)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from show verify head top help" -l until -d 'Only events until T (RFC 3339, or a duration meaning that long ago)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from show verify head top help" -l limit -d 'At most N events (the newest)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from show verify head top help" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from show verify head top help" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from show verify head top help" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from show verify head top help" -s f -l follow -d 'Print the matching events oldest first, then each new one as it is appended, until interrupted (JSON: one object per line)'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from show verify head top help" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from show verify head top help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from show verify head top help" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from show verify head top help" -f -a "show" -d 'Show one event'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from show verify head top help" -f -a "verify" -d 'Check the log\'s hash chain; exit 1 naming the first bad event'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from show verify head top help" -f -a "head" -d 'Print the newest event as ID:HASH, to keep elsewhere as an anchor'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from show verify head top help" -f -a "top" -d 'Keys ranked by uses in a window, to spot extensive use'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and not __fish_seen_subcommand_from show verify head top help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from show" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from show" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from show" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from verify" -l anchor -d 'Also require the chain to pass through ID:HASH (from `events head`)' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from verify" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from verify" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from verify" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from head" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from head" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from head" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from head" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from head" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from head" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from top" -l since -d 'Window start (RFC 3339 or a duration ago) [default: 24h]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from top" -l limit -d 'At most N keys' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from top" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from top" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from top" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from top" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from top" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from top" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one event'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check the log\'s hash chain; exit 1 naming the first bad event'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from help" -f -a "head" -d 'Print the newest event as ID:HASH, to keep elsewhere as an anchor'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from help" -f -a "top" -d 'Keys ranked by uses in a window, to spot extensive use'
complete -c keyctl -n "__fish_keyctl_using_subcommand events; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand copy" -l to -d 'The new database: a file that does not exist yet, or a postgres:// URL of an empty schema' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand copy" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand copy" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand copy" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand copy" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand copy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand copy" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand completions" -l db -d 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]' -r -F
complete -c keyctl -n "__fish_keyctl_using_subcommand completions" -l as -d 'Act as this user [default: the OS login name]' -r
complete -c keyctl -n "__fish_keyctl_using_subcommand completions" -l format -d 'Output format' -r -f -a "table\t'A table for people, fitted to the terminal'
json\t'One JSON document (an array for lists)'
csv\t'A header row, then rows (RFC 4180)'"
complete -c keyctl -n "__fish_keyctl_using_subcommand completions" -s q -l quiet -d 'Print IDs only, one per line, where a command lists things'
complete -c keyctl -n "__fish_keyctl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c keyctl -n "__fish_keyctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from init users settings keys revoke events copy completions help" -f -a "init" -d 'Create the tenant database; NAME becomes a tenant admin with a licence'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from init users settings keys revoke events copy completions help" -f -a "users" -d 'Manage users and their roles (tenant admins)'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from init users settings keys revoke events copy completions help" -f -a "settings" -d 'Show or change the tenant\'s API-key settings'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from init users settings keys revoke events copy completions help" -f -a "keys" -d 'Generate, list, search, show, rename, revoke, delete and verify keys'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from init users settings keys revoke events copy completions help" -f -a "revoke" -d 'Revoke keys (same as `keys revoke`)'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from init users settings keys revoke events copy completions help" -f -a "events" -d 'List the audit log, or check its hash chain'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from init users settings keys revoke events copy completions help" -f -a "copy" -d 'Copy the whole tenant into a new database: a backup, or a move between backends'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from init users settings keys revoke events copy completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and not __fish_seen_subcommand_from init users settings keys revoke events copy completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "list" -d 'List users, their roles and licences'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "add" -d 'Register a user'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "grant" -d 'Give a user a role'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "ungrant" -d 'Take a role from a user (the last tenant admin keeps theirs)'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "licence" -d 'Give or take a user\'s licence'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "remove" -d 'Remove a user and revoke all their active keys'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from settings" -f -a "show" -d 'Show the settings (the default)'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from settings" -f -a "enable" -d 'Turn API keys on for the tenant'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from settings" -f -a "disable" -d 'Turn API keys off: every key stops verifying until enabled again'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from settings" -f -a "set" -d 'Change a setting; affects only keys generated afterwards'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "generate" -d 'Generate a key for yourself; the secret is shown once'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "list" -d 'List keys (tenant admins: all; developers: their own)'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "search" -d 'List keys whose name, ID or owner contains TERM (case-insensitive)'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "show" -d 'Show one key'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "rename" -d 'Rename one of your keys'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "revoke" -d 'Revoke keys for good (tenant admins); IDs from arguments or stdin'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "delete" -d 'Delete your own keys; IDs from arguments or stdin'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "rotate" -d 'Replace one of your keys with a new one (same name); the secret is shown once'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "verify" -d 'Check a key read from stdin; exit 0 and print its ID and owner if valid'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from events" -f -a "show" -d 'Show one event'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from events" -f -a "verify" -d 'Check the log\'s hash chain; exit 1 naming the first bad event'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from events" -f -a "head" -d 'Print the newest event as ID:HASH, to keep elsewhere as an anchor'
complete -c keyctl -n "__fish_keyctl_using_subcommand help; and __fish_seen_subcommand_from events" -f -a "top" -d 'Keys ranked by uses in a window, to spot extensive use'
