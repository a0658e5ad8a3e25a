using NetNsPS.Linux.Firewall;
using NetNsPS.Operations;
using NetNsPS.Linux;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace NetNsPS.Linux.Firewall.Iptables;

/// <summary>
/// Turns a run of `iptables -w -t TABLE ...` commands into one `iptables-restore -w --noflush` call (`ip6tables`
/// ones into `ip6tables-restore`): one
/// process instead of many, and atomic (the table's changes all apply or none do).
/// </summary>
public static class IptablesBatch
{
    private static readonly Dictionary<string, CommandBatch> Batches = new();

    /// <summary>The batch of plain `iptables -w -t TABLE -A/-D/-N/-X` changes to one table (`ip6tables` ones with <paramref name="ipv6"/>).</summary>
    public static CommandBatch For(string table, bool ipv6 = false)
    {
        var key = (ipv6 ? "ip6tables-restore:" : "iptables-restore:") + table;
        lock (Batches)
        {
            if (!Batches.TryGetValue(key, out var batch))
            {
                Batches[key] = batch = new CommandBatch(key, Restore);
            }
            return batch;
        }
    }

    /// <summary>Whether an iptables argument list (after -w -t TABLE) is a change iptables-restore can carry.</summary>
    public static bool Batchable(IReadOnlyList<string> args) => args.Count > 1 && args[0] is "-A" or "-D" or "-N" or "-X";

    public static CommandSpec Restore(IReadOnlyList<CommandSpec> commands)
    {
        var list = commands;
        var text = new StringBuilder().Append('*').Append(list[0].Arguments[2]).Append('\n');
        foreach (var command in list)
        {
            text.Append(string.Join(' ', command.Arguments.Skip(3).Select(Quote))).Append('\n');
        }
        text.Append("COMMIT\n");
        return new CommandSpec(list[0].Program + "-restore", new[] { "-w", "--noflush" }, text.ToString());
    }

    /// <summary>iptables-restore splits on spaces and honours double quotes.</summary>
    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => c > ' ' && c != '"' && c != '\\' && c != '\'') ? argument : "\"" + argument.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
