using NetNsPS.Linux.Firewall;
using NetNsPS.Operations;
using NetNsPS.Linux;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace NetNsPS.Linux.Firewall.Iptables;

/// <summary>
/// Turns a run of `iptables -w -t TABLE ...` commands into one `iptables-restore -w --noflush` call: one
/// process instead of many, and atomic (the table's changes all apply or none do).
/// </summary>
public static class IptablesBatch
{
    /// <summary>How many steps from <paramref name="start"/> form one batch (1 when the step is not batchable).</summary>
    public static int GroupLength(IReadOnlyList<PlanStep> steps, int start, int failAt)
    {
        var table = TableOf(steps[start].Command);
        if (table is null)
        {
            return 1;
        }
        var end = start + 1;
        // A fault injected at step k must hit exactly step k, so a batch never spans it.
        while (end < steps.Count && TableOf(steps[end].Command) == table && end + 1 != failAt)
        {
            end++;
        }
        return end - start;
    }

    /// <summary>The table of a plain `iptables -w -t TABLE` change, or null for anything else.</summary>
    public static string? TableOf(CommandSpec command) =>
        command.Program == "iptables" && command.StandardInput is null && command.Native is null && command.Arguments.Count > 4
        && command.Arguments[0] == "-w" && command.Arguments[1] == "-t" && command.Arguments[3] is "-A" or "-D" or "-N" or "-X"
            ? command.Arguments[2] : null;

    public static CommandSpec Restore(IEnumerable<CommandSpec> commands)
    {
        var list = commands.ToList();
        var text = new StringBuilder().Append('*').Append(list[0].Arguments[2]).Append('\n');
        foreach (var command in list)
        {
            text.Append(string.Join(' ', command.Arguments.Skip(3).Select(Quote))).Append('\n');
        }
        text.Append("COMMIT\n");
        return new CommandSpec("iptables-restore", new[] { "-w", "--noflush" }, text.ToString());
    }

    /// <summary>iptables-restore splits on spaces and honours double quotes.</summary>
    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => c > ' ' && c != '"' && c != '\\' && c != '\'') ? argument : "\"" + argument.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
