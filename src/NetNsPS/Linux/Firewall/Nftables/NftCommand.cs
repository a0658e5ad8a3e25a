using System.Collections.Generic;
using System.Linq;
using NetNsPS.Linux.Netlink;

namespace NetNsPS.Linux.Firewall.Nftables;

/// <summary>
/// nft commands as CommandSpecs: rendered as the `nft ...` a user could paste, carried out in-process by handing the
/// very same text (without the leading `nft`) to libnftables. `nft` joins its arguments with spaces, so the spawned
/// program (NETNSPS_BACKEND=iproute2) reads the same text. A run of consecutive nft steps is one batch: one buffer,
/// one kernel transaction.
/// </summary>
public static class NftCommand
{
    public const string Program = "nft";

    public static readonly CommandBatch Batch = new("nft", Combine);

    /// <summary>One command, its words as arguments (a word may hold spaces: a rule body, an element list).</summary>
    public static CommandSpec Of(params string[] words) =>
        new(Program, words) { Native = _ => Execute(string.Join(' ', words)), Batch = Batch };

    /// <summary>Several commands as one `nft -f -` transaction; one line alone is plain <see cref="Of"/>-style text.</summary>
    public static CommandSpec Script(IEnumerable<string> lines)
    {
        var text = string.Join('\n', lines) + "\n";
        return new CommandSpec(Program, new[] { "-f", "-" }, text) { Native = _ => Execute(text), Batch = Batch };
    }

    /// <summary>The text libnftables runs for this command.</summary>
    public static string TextOf(CommandSpec command) =>
        command.StandardInput is { } input && command.Arguments.SequenceEqual(new[] { "-f", "-" })
            ? input.TrimEnd('\n')
            : string.Join(' ', command.Arguments);

    /// <summary>The lines of commands a step (or a batch of steps) runs, one command each.</summary>
    public static IEnumerable<string> Lines(CommandSpec command) => TextOf(command).Split('\n');

    private static CommandSpec Combine(IReadOnlyList<CommandSpec> commands) => Script(commands.SelectMany(Lines));

    private static void Execute(string text)
    {
        var result = LibNftables.Run(text);
        if (!result.Succeeded)
        {
            throw new NativeCommandException(string.IsNullOrEmpty(result.ErrorText) ? "nft: the command failed" : result.ErrorText);
        }
    }
}
