using NetNsPS.Linux;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace NetNsPS.Linux.Firewall.Iptables;

/// <summary>
/// Turns a run of `iptables -w -t TABLE ...` commands into one `iptables-restore -w --noflush` call (`ip6tables`
/// ones into `ip6tables-restore`), a `*TABLE ... COMMIT` section for each stretch of commands to one table: one
/// process instead of many. iptables-restore commits section by section, so each section's changes apply together or
/// not at all, and it stops at the first that fails; the sections before it stay, and the executor undoes them
/// (<see cref="AppliedOnFailure"/>).
/// </summary>
public static class IptablesBatch
{
    private static readonly CommandBatch V4 = new("iptables-restore", Restore) { AppliedOnFailure = AppliedOnFailure };
    private static readonly CommandBatch V6 = new("ip6tables-restore", Restore) { AppliedOnFailure = AppliedOnFailure };

    /// <summary>The batch of plain `iptables -w -t TABLE -A/-D/-N/-X` changes, of any table (`ip6tables` ones with <paramref name="ipv6"/>).</summary>
    public static CommandBatch For(bool ipv6) => ipv6 ? V6 : V4;

    /// <summary>Whether an iptables argument list (after -w -t TABLE) is a change iptables-restore can carry.</summary>
    public static bool Batchable(IReadOnlyList<string> args) => args.Count > 1 && args[0] is "-A" or "-D" or "-N" or "-X";

    public static CommandSpec Restore(IReadOnlyList<CommandSpec> commands)
    {
        var text = new StringBuilder();
        foreach (var section in Sections(commands))
        {
            text.Append('*').Append(section[0].Arguments[2]).Append('\n');
            foreach (var command in section)
            {
                text.Append(string.Join(' ', command.Arguments.Skip(3).Select(Quote))).Append('\n');
            }
            text.Append("COMMIT\n");
        }
        var restore = new CommandSpec(commands[0].Program + "-restore", new[] { "-w", "--noflush" }, text.ToString());
        // A run of module rules' deletions is one in-process transaction where it can be (IptablesNetlink).
        return commands.All(c => IptablesNetlink.DeletedTag(c) is not null) ? restore with { Native = IptablesNetlink.Delete(commands.ToList()) } : restore;
    }

    /// <summary>
    /// The sections a run of commands is restored in: each stretch of consecutive commands to one table, in the plan's
    /// order (so the commands committed when a later section fails are the run's first ones). Each is one kernel
    /// transaction: one nf_tables generation on iptables-nft.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<CommandSpec>> Sections(IReadOnlyList<CommandSpec> commands)
    {
        var sections = new List<IReadOnlyList<CommandSpec>>();
        List<CommandSpec>? current = null;
        foreach (var command in commands)
        {
            if (current is null || current[0].Arguments[2] != command.Arguments[2])
            {
                sections.Add(current = new List<CommandSpec>());
            }
            current.Add(command);
        }
        return sections;
    }

    // iptables-nft-restore: "Error occurred at line: 7"; iptables-legacy-restore: "line 7 failed".
    private static readonly Regex FailedLine = new(@"\bline:? (\d+)", RegexOptions.CultureInvariant);

    /// <summary>
    /// How many of the run's first commands a failed iptables-restore left in the kernel: those of the sections whose
    /// COMMIT line comes before the line it names. Without a line (it did not start, or was killed) none are counted:
    /// a section commits only at its COMMIT, which it then names when refused.
    /// </summary>
    public static int AppliedOnFailure(IReadOnlyList<CommandSpec> commands, ProcessResult result)
    {
        var match = FailedLine.Match(result.StandardError + "\n" + result.StandardOutput);
        if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var failed))
        {
            return 0;
        }
        var applied = 0;
        var line = 0;
        foreach (var section in Sections(commands))
        {
            line += section.Count + 2;
            if (line >= failed)
            {
                break;
            }
            applied += section.Count;
        }
        return applied;
    }

    /// <summary>iptables-restore splits on spaces and honours double quotes.</summary>
    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => c > ' ' && c != '"' && c != '\\' && c != '\'') ? argument : "\"" + argument.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
