
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'keyctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'keyctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'keyctl' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the tenant database; NAME becomes a tenant admin with a licence')
            [CompletionResult]::new('users', 'users', [CompletionResultType]::ParameterValue, 'Manage users and their roles (tenant admins)')
            [CompletionResult]::new('settings', 'settings', [CompletionResultType]::ParameterValue, 'Show or change the tenant''s API-key settings')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'Generate, list, search, show, rename, revoke, delete and verify keys')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke keys (same as `keys revoke`)')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'List the audit log, or check its hash chain')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy the whole tenant into a new database: a backup, or a move between backends')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;init' {
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'The first tenant admin')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;users' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List users, their roles and licences')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Register a user')
            [CompletionResult]::new('grant', 'grant', [CompletionResultType]::ParameterValue, 'Give a user a role')
            [CompletionResult]::new('ungrant', 'ungrant', [CompletionResultType]::ParameterValue, 'Take a role from a user (the last tenant admin keeps theirs)')
            [CompletionResult]::new('licence', 'licence', [CompletionResultType]::ParameterValue, 'Give or take a user''s licence')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a user and revoke all their active keys')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;users;list' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;users;add' {
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'Give this role (repeatable)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--licence', '--licence', [CompletionResultType]::ParameterName, 'Give a licence (needed to generate keys)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;users;grant' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;users;ungrant' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;users;licence' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;users;remove' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required off a terminal)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;users;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List users, their roles and licences')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Register a user')
            [CompletionResult]::new('grant', 'grant', [CompletionResultType]::ParameterValue, 'Give a user a role')
            [CompletionResult]::new('ungrant', 'ungrant', [CompletionResultType]::ParameterValue, 'Take a role from a user (the last tenant admin keeps theirs)')
            [CompletionResult]::new('licence', 'licence', [CompletionResultType]::ParameterValue, 'Give or take a user''s licence')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a user and revoke all their active keys')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;users;help;list' {
            break
        }
        'keyctl;users;help;add' {
            break
        }
        'keyctl;users;help;grant' {
            break
        }
        'keyctl;users;help;ungrant' {
            break
        }
        'keyctl;users;help;licence' {
            break
        }
        'keyctl;users;help;remove' {
            break
        }
        'keyctl;users;help;help' {
            break
        }
        'keyctl;settings' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the settings (the default)')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Turn API keys on for the tenant')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Turn API keys off: every key stops verifying until enabled again')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change a setting; affects only keys generated afterwards')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;settings;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;settings;enable' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;settings;disable' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required off a terminal)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;settings;set' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('max-expiry', 'max-expiry', [CompletionResultType]::ParameterValue, 'Longest lifetime of a new key, e.g. 90d, 12h, P30D, PT24H')
            [CompletionResult]::new('max-keys-per-user', 'max-keys-per-user', [CompletionResultType]::ParameterValue, 'Most active keys per user (1-1000)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;settings;set;max-expiry' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;settings;set;max-keys-per-user' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;settings;set;help' {
            [CompletionResult]::new('max-expiry', 'max-expiry', [CompletionResultType]::ParameterValue, 'Longest lifetime of a new key, e.g. 90d, 12h, P30D, PT24H')
            [CompletionResult]::new('max-keys-per-user', 'max-keys-per-user', [CompletionResultType]::ParameterValue, 'Most active keys per user (1-1000)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;settings;set;help;max-expiry' {
            break
        }
        'keyctl;settings;set;help;max-keys-per-user' {
            break
        }
        'keyctl;settings;set;help;help' {
            break
        }
        'keyctl;settings;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the settings (the default)')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Turn API keys on for the tenant')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Turn API keys off: every key stops verifying until enabled again')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change a setting; affects only keys generated afterwards')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;settings;help;show' {
            break
        }
        'keyctl;settings;help;enable' {
            break
        }
        'keyctl;settings;help;disable' {
            break
        }
        'keyctl;settings;help;set' {
            [CompletionResult]::new('max-expiry', 'max-expiry', [CompletionResultType]::ParameterValue, 'Longest lifetime of a new key, e.g. 90d, 12h, P30D, PT24H')
            [CompletionResult]::new('max-keys-per-user', 'max-keys-per-user', [CompletionResultType]::ParameterValue, 'Most active keys per user (1-1000)')
            break
        }
        'keyctl;settings;help;set;max-expiry' {
            break
        }
        'keyctl;settings;help;set;max-keys-per-user' {
            break
        }
        'keyctl;settings;help;help' {
            break
        }
        'keyctl;keys' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Generate a key for yourself; the secret is shown once')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List keys (tenant admins: all; developers: their own)')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'List keys whose name, ID or owner contains TERM (case-insensitive)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one key')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Rename one of your keys')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke keys for good (tenant admins); IDs from arguments or stdin')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete your own keys; IDs from arguments or stdin')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace one of your keys with a new one (same name); the secret is shown once')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a key read from stdin; exit 0 and print its ID and owner if valid')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;keys;generate' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Description of the key (asked for on a terminal when missing)')
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'Lifetime, at most the tenant''s max-expiry [default: max-expiry]')
            [CompletionResult]::new('--expires-at', '--expires-at', [CompletionResultType]::ParameterName, 'Expiry time (RFC 3339), within max-expiry from now')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;keys;list' {
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only keys with this status (repeatable)')
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'Only keys of this owner')
            [CompletionResult]::new('--expiring-within', '--expiring-within', [CompletionResultType]::ParameterName, 'Only active keys expiring within this duration, e.g. 7d')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Sort by this column, ascending [default: newest first]')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most N keys')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--reverse', '--reverse', [CompletionResultType]::ParameterName, 'Reverse the order')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;keys;search' {
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only keys with this status (repeatable)')
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'Only keys of this owner')
            [CompletionResult]::new('--expiring-within', '--expiring-within', [CompletionResultType]::ParameterName, 'Only active keys expiring within this duration, e.g. 7d')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Sort by this column, ascending [default: newest first]')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most N keys')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--reverse', '--reverse', [CompletionResultType]::ParameterName, 'Reverse the order')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;keys;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;keys;rename' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;keys;revoke' {
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'Checklist: only keys of this owner')
            [CompletionResult]::new('--search', '--search', [CompletionResultType]::ParameterName, 'Checklist: only keys whose name, ID or owner contains TERM')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required off a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would happen; change nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;keys;delete' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required off a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would happen; change nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;keys;rotate' {
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'How long the old key keeps working, e.g. 1h; 0 stops it at once [default: 0]')
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'Lifetime of the new key, at most the tenant''s max-expiry [default: max-expiry]')
            [CompletionResult]::new('--expires-at', '--expires-at', [CompletionResultType]::ParameterName, 'Expiry time of the new key (RFC 3339), within max-expiry from now')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;keys;verify' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;keys;help' {
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Generate a key for yourself; the secret is shown once')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List keys (tenant admins: all; developers: their own)')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'List keys whose name, ID or owner contains TERM (case-insensitive)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one key')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Rename one of your keys')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke keys for good (tenant admins); IDs from arguments or stdin')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete your own keys; IDs from arguments or stdin')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace one of your keys with a new one (same name); the secret is shown once')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a key read from stdin; exit 0 and print its ID and owner if valid')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;keys;help;generate' {
            break
        }
        'keyctl;keys;help;list' {
            break
        }
        'keyctl;keys;help;search' {
            break
        }
        'keyctl;keys;help;show' {
            break
        }
        'keyctl;keys;help;rename' {
            break
        }
        'keyctl;keys;help;revoke' {
            break
        }
        'keyctl;keys;help;delete' {
            break
        }
        'keyctl;keys;help;rotate' {
            break
        }
        'keyctl;keys;help;verify' {
            break
        }
        'keyctl;keys;help;help' {
            break
        }
        'keyctl;revoke' {
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'Checklist: only keys of this owner')
            [CompletionResult]::new('--search', '--search', [CompletionResultType]::ParameterName, 'Checklist: only keys whose name, ID or owner contains TERM')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required off a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would happen; change nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;events' {
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Only events about this key')
            [CompletionResult]::new('--actor', '--actor', [CompletionResultType]::ParameterName, 'Only events by this user')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only events of this type, e.g. api-key.revoked')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events since T (RFC 3339, or a duration meaning that long ago: 1h, 7d)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only events until T (RFC 3339, or a duration meaning that long ago)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most N events (the newest)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Print the matching events oldest first, then each new one as it is appended, until interrupted (JSON: one object per line)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Print the matching events oldest first, then each new one as it is appended, until interrupted (JSON: one object per line)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one event')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the log''s hash chain; exit 1 naming the first bad event')
            [CompletionResult]::new('head', 'head', [CompletionResultType]::ParameterValue, 'Print the newest event as ID:HASH, to keep elsewhere as an anchor')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'Keys ranked by uses in a window, to spot extensive use')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;events;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;events;verify' {
            [CompletionResult]::new('--anchor', '--anchor', [CompletionResultType]::ParameterName, 'Also require the chain to pass through ID:HASH (from `events head`)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;events;head' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;events;top' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Window start (RFC 3339 or a duration ago) [default: 24h]')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most N keys')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;events;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one event')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the log''s hash chain; exit 1 naming the first bad event')
            [CompletionResult]::new('head', 'head', [CompletionResultType]::ParameterValue, 'Print the newest event as ID:HASH, to keep elsewhere as an anchor')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'Keys ranked by uses in a window, to spot extensive use')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;events;help;show' {
            break
        }
        'keyctl;events;help;verify' {
            break
        }
        'keyctl;events;help;head' {
            break
        }
        'keyctl;events;help;top' {
            break
        }
        'keyctl;events;help;help' {
            break
        }
        'keyctl;copy' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The new database: a file that does not exist yet, or a postgres:// URL of an empty schema')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;completions' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data directory]')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Act as this user [default: the OS login name]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print IDs only, one per line, where a command lists things')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'keyctl;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the tenant database; NAME becomes a tenant admin with a licence')
            [CompletionResult]::new('users', 'users', [CompletionResultType]::ParameterValue, 'Manage users and their roles (tenant admins)')
            [CompletionResult]::new('settings', 'settings', [CompletionResultType]::ParameterValue, 'Show or change the tenant''s API-key settings')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'Generate, list, search, show, rename, revoke, delete and verify keys')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke keys (same as `keys revoke`)')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'List the audit log, or check its hash chain')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy the whole tenant into a new database: a backup, or a move between backends')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'keyctl;help;init' {
            break
        }
        'keyctl;help;users' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List users, their roles and licences')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Register a user')
            [CompletionResult]::new('grant', 'grant', [CompletionResultType]::ParameterValue, 'Give a user a role')
            [CompletionResult]::new('ungrant', 'ungrant', [CompletionResultType]::ParameterValue, 'Take a role from a user (the last tenant admin keeps theirs)')
            [CompletionResult]::new('licence', 'licence', [CompletionResultType]::ParameterValue, 'Give or take a user''s licence')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a user and revoke all their active keys')
            break
        }
        'keyctl;help;users;list' {
            break
        }
        'keyctl;help;users;add' {
            break
        }
        'keyctl;help;users;grant' {
            break
        }
        'keyctl;help;users;ungrant' {
            break
        }
        'keyctl;help;users;licence' {
            break
        }
        'keyctl;help;users;remove' {
            break
        }
        'keyctl;help;settings' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the settings (the default)')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Turn API keys on for the tenant')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Turn API keys off: every key stops verifying until enabled again')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change a setting; affects only keys generated afterwards')
            break
        }
        'keyctl;help;settings;show' {
            break
        }
        'keyctl;help;settings;enable' {
            break
        }
        'keyctl;help;settings;disable' {
            break
        }
        'keyctl;help;settings;set' {
            [CompletionResult]::new('max-expiry', 'max-expiry', [CompletionResultType]::ParameterValue, 'Longest lifetime of a new key, e.g. 90d, 12h, P30D, PT24H')
            [CompletionResult]::new('max-keys-per-user', 'max-keys-per-user', [CompletionResultType]::ParameterValue, 'Most active keys per user (1-1000)')
            break
        }
        'keyctl;help;settings;set;max-expiry' {
            break
        }
        'keyctl;help;settings;set;max-keys-per-user' {
            break
        }
        'keyctl;help;keys' {
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Generate a key for yourself; the secret is shown once')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List keys (tenant admins: all; developers: their own)')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'List keys whose name, ID or owner contains TERM (case-insensitive)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one key')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Rename one of your keys')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke keys for good (tenant admins); IDs from arguments or stdin')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete your own keys; IDs from arguments or stdin')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace one of your keys with a new one (same name); the secret is shown once')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a key read from stdin; exit 0 and print its ID and owner if valid')
            break
        }
        'keyctl;help;keys;generate' {
            break
        }
        'keyctl;help;keys;list' {
            break
        }
        'keyctl;help;keys;search' {
            break
        }
        'keyctl;help;keys;show' {
            break
        }
        'keyctl;help;keys;rename' {
            break
        }
        'keyctl;help;keys;revoke' {
            break
        }
        'keyctl;help;keys;delete' {
            break
        }
        'keyctl;help;keys;rotate' {
            break
        }
        'keyctl;help;keys;verify' {
            break
        }
        'keyctl;help;revoke' {
            break
        }
        'keyctl;help;events' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one event')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the log''s hash chain; exit 1 naming the first bad event')
            [CompletionResult]::new('head', 'head', [CompletionResultType]::ParameterValue, 'Print the newest event as ID:HASH, to keep elsewhere as an anchor')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'Keys ranked by uses in a window, to spot extensive use')
            break
        }
        'keyctl;help;events;show' {
            break
        }
        'keyctl;help;events;verify' {
            break
        }
        'keyctl;help;events;head' {
            break
        }
        'keyctl;help;events;top' {
            break
        }
        'keyctl;help;copy' {
            break
        }
        'keyctl;help;completions' {
            break
        }
        'keyctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
