using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace NetNsPS.Linux;

/// <summary>A kind of command that runs in batches: its key, and how a run of such commands becomes one.</summary>
public sealed record CommandBatch(string Key, Func<IReadOnlyList<CommandSpec>, CommandSpec> Combine)
{
    /// <summary>
    /// For a batch that commits in parts (iptables-restore: a table at a time): given the run's commands and the failed
    /// result of their combined command, how many of the first commands are in the kernel all the same, so that the
    /// rollback undoes them too. Null: all or nothing (an nft transaction), none stay.
    /// </summary>
    public Func<IReadOnlyList<CommandSpec>, ProcessResult, int>? AppliedOnFailure { get; init; }

    public bool Equals(CommandBatch? other) => other is not null && Key == other.Key;

    public override int GetHashCode() => Key.GetHashCode();
}

/// <summary>One external program call: the program and its argument array, never a shell string.</summary>
public sealed record CommandSpec
{
    public CommandSpec(string program, IEnumerable<string> arguments, string? standardInput = null)
    {
        Program = program;
        Arguments = arguments.ToArray();
        StandardInput = standardInput;
    }

    public CommandSpec(string program, params string[] arguments) : this(program, (IEnumerable<string>)arguments) { }

    public string Program { get; }
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>Text fed on standard input (for iptables-restore and ip -batch); null for none.</summary>
    public string? StandardInput { get; }

    /// <summary>
    /// The same change done in-process (rtnetlink, syscalls) instead of spawning the program; null when the
    /// command has no such form. The rendered command stays what -WhatIf and -Verbose show.
    /// </summary>
    public Action<Netlink.NetlinkSession>? Native { get; init; }

    /// <summary>
    /// Consecutive commands of one plan with the same batch run as the one command the batch makes of them (one
    /// iptables-restore with a section per table, an nft transaction): fewer processes. Null: runs alone.
    /// </summary>
    public CommandBatch? Batch { get; init; }

    /// <summary>
    /// A step whose failure does not undo the plan (a stale-conntrack cleanup, as CNI only logs its failures): the
    /// executor says it failed in the verbose stream and goes on. Never batched, and has no undo.
    /// </summary>
    public bool BestEffort { get; init; }

    /// <summary>The command as a user could paste it into bash.</summary>
    public string Render()
    {
        var sb = new StringBuilder(BashQuote(Program));
        foreach (var arg in Arguments)
        {
            sb.Append(' ').Append(BashQuote(arg));
        }
        if (StandardInput is not null)
        {
            // A here-document keeps the exact input and still pastes as one command.
            sb.Append(" <<'EOF'\n").Append(StandardInput.TrimEnd('\n')).Append("\nEOF");
        }
        return sb.ToString();
    }

    public override string ToString() => Render();

    /// <summary>Quotes an argument for bash only when it needs it, so the usual commands read as in the article.</summary>
    public static string BashQuote(string value)
    {
        if (value.Length == 0)
        {
            return "''";
        }
        if (value == "!")
        {
            // A lone '!' is iptables' negation; bash only treats '!' as history expansion inside a word.
            return value;
        }
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "-_./:=,@+%^".Contains(c)))
            {
                return "'" + value.Replace("'", "'\\''") + "'";
            }
        }
        return value;
    }

    public bool Equals(CommandSpec? other) =>
        other is not null && Program == other.Program && Arguments.SequenceEqual(other.Arguments) && StandardInput == other.StandardInput;

    public override int GetHashCode() => Render().GetHashCode();
}
