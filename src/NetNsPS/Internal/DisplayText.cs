using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace NetNsPS;

/// <summary>
/// Text layout for the views of NetNsPS.Format.ps1xml. PowerShell wraps a value that is too long for its column
/// at any character (the module runs with invariant globalization, where its formatter has no word wrap), so a
/// view that shows prose or commands lays them out here first: broken at spaces, never inside a word, and each
/// line short enough for an 80-column terminal.
/// </summary>
public static class DisplayText
{
    /// <summary>Where the Observed text of a diagnostic starts, and how wide its lines are (37 + 42 = 79 columns).</summary>
    public const int DiagnosticTextColumn = 37;
    public const int DiagnosticTextWidth = 42;

    /// <summary>Where an observation with a word too long for beside the check starts, below it (8 + 71 = 79 columns).</summary>
    public const int WideTextColumn = 8;
    public const int WideTextWidth = 71;

    /// <summary>Where a fix command starts ("        Fix: "), and how wide its lines are (13 + 66 = 79 columns).</summary>
    public const int FixColumn = 13;
    public const int FixWidth = 66;

    /// <summary>
    /// A table's interface column beside <see cref="AddressColumn"/>: each interface once, then a blank line for each
    /// further address it has, so every address stands beside its own interface. <paramref name="interfaceAddresses"/>
    /// are "interface address/len" (NetNamespace.InterfaceAddresses).
    /// </summary>
    public static string[] InterfaceColumn(string[]? interfaces, string[]? interfaceAddresses) =>
        (interfaces ?? Array.Empty<string>()).SelectMany(i =>
            new[] { i }.Concat(Enumerable.Repeat("", Math.Max(0, AddressesOf(interfaceAddresses, i).Count - 1)))).ToArray();

    /// <summary>The addresses of each interface in turn (a blank line for an interface without any); see <see cref="InterfaceColumn"/>.</summary>
    public static string[] AddressColumn(string[]? interfaces, string[]? interfaceAddresses) =>
        (interfaces ?? Array.Empty<string>()).SelectMany(i => AddressesOf(interfaceAddresses, i) is { Count: > 0 } mine ? mine : new List<string> { "" }).ToArray();

    private static List<string> AddressesOf(string[]? interfaceAddresses, string name) =>
        (interfaceAddresses ?? Array.Empty<string>()).Where(e => e.StartsWith(name + " ", StringComparison.Ordinal)).Select(e => e[(name.Length + 1)..]).ToList();

    /// <summary>
    /// The words of <paramref name="text"/> as lines of at most <paramref name="width"/> characters, joined by
    /// newlines. Only a single word longer than the width is split, at the width.
    /// </summary>
    public static string Wrap(string? text, int width) => string.Join("\n", WrapLines(text, width));

    public static IReadOnlyList<string> WrapLines(string? text, int width)
    {
        if (width < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, "width must be at least 1");
        }
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in (text ?? "").Split(new[] { ' ', '\t', '\n', '\r' }, StringSplitOptions.RemoveEmptyEntries))
        {
            var rest = word;
            if (line.Length > 0 && line.Length + 1 + rest.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }
            while (rest.Length > width)
            {
                lines.Add(rest[..width]);
                rest = rest[width..];
            }
            if (line.Length > 0)
            {
                line.Append(' ');
            }
            line.Append(rest);
        }
        if (line.Length > 0 || lines.Count == 0)
        {
            lines.Add(line.ToString());
        }
        return lines;
    }

    /// <summary>
    /// A command line laid out for copying: broken at spaces into lines of at most <paramref name="width"/>
    /// characters, each line but the last ending in PowerShell's line continuation (" `"), the following lines
    /// indented by four. Pasted into pwsh, the lines run as the one command.
    /// </summary>
    public static IReadOnlyList<string> CommandLines(string command, int width)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in words)
        {
            // Room for " `" on a line that is continued.
            if (line.Length > 0 && line.Length + 1 + word.Length + 2 > width)
            {
                lines.Add(line.Append(" `").ToString());
                line.Clear().Append("    ");
            }
            else if (line.Length > 0)
            {
                line.Append(' ');
            }
            line.Append(word);
        }
        lines.Add(line.ToString());
        return lines;
    }

    /// <summary>
    /// One diagnostic as the default view shows it: the status, the check, what was observed (wrapped beside
    /// the check, or below it when the check's name is longer than its column) and, when there is one, each
    /// command of the fix on a line of its own after "Fix:".
    /// </summary>
    public static string Diagnostic(string? status, string? check, string? observed, string? fix)
    {
        var lines = new List<string>();
        var head = $"{status,-7} {check}";
        var words = (observed ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.All(w => w.Length <= DiagnosticTextWidth))
        {
            var text = WrapLines(observed, DiagnosticTextWidth);
            var pad = new string(' ', DiagnosticTextColumn);
            if (head.Length < DiagnosticTextColumn)
            {
                lines.Add(head.PadRight(DiagnosticTextColumn) + text[0]);
                lines.AddRange(text.Skip(1).Select(t => pad + t));
            }
            else
            {
                lines.Add(head);
                lines.AddRange(text.Where(t => t.Length > 0).Select(t => pad + t));
            }
        }
        else
        {
            // A word longer than the column beside the check (a long sysctl name): the observation goes below, wider.
            lines.Add(head);
            lines.AddRange(WrapLines(observed, WideTextWidth).Select(t => new string(' ', WideTextColumn) + t));
        }
        var commands = (fix ?? "").Split("; ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var label = "        Fix: ";
        foreach (var command in commands)
        {
            foreach (var commandLine in CommandLines(command, FixWidth))
            {
                lines.Add(label + commandLine);
                label = new string(' ', FixColumn);
            }
        }
        return string.Join("\n", lines.Select(l => l.TrimEnd()));
    }
}
