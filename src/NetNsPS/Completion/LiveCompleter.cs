using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace NetNsPS.Completion;

/// <summary>One thing a completer offers: the value and the tooltip PowerShell shows beside it.</summary>
public readonly record struct Candidate(string Value, string ToolTip);

/// <summary>
/// What every NetNsPS completer shares. A completer reads live state (the files under /run/netns, one
/// rtnetlink dump, the module's firewall rules), so it must be fast and must never throw: any failure
/// yields no candidates, a failure for one namespace only drops that namespace's. The results are
/// filtered by the typed prefix (case-insensitive), sorted, and quoted where PowerShell needs it.
/// </summary>
public abstract class LiveCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var (prefix, quote) = Unquote(wordToComplete ?? "");
            var context = new CompletionContext(commandName, prefix, fakeBoundParameters);
            return Candidates(context)
                .Where(c => c.Value.Length > 0 && c.Value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .GroupBy(c => c.Value, StringComparer.Ordinal)
                .Select(g => g.First())
                .OrderBy(c => NumericValues ? c.Value.PadLeft(10, '0') : c.Value, StringComparer.OrdinalIgnoreCase)
                .ThenBy(c => c.Value, StringComparer.Ordinal)
                .Select(c => new CompletionResult(Quote(c.Value, quote), c.Value, CompletionResultType.ParameterValue, c.ToolTip.Length > 0 ? c.ToolTip : c.Value))
                .ToList();
        }
        catch (Exception)
        {
            // Tab completion must never show an error or a stack trace: no state, no candidates.
            return Array.Empty<CompletionResult>();
        }
    }

    /// <summary>Everything that could complete this parameter; filtering, sorting and quoting are done by the caller.</summary>
    protected abstract IEnumerable<Candidate> Candidates(CompletionContext context);

    /// <summary>The word as typed without its opening quote (and a closing one, if typed), and that quote character.</summary>
    internal static (string Prefix, char? Quote) Unquote(string word)
    {
        if (word.Length == 0 || !IsQuote(word[0]))
        {
            return (word, null);
        }
        var quote = word[0];
        var inner = word[1..];
        if (inner.Length > 0 && IsQuote(inner[^1]))
        {
            inner = inner[..^1];
        }
        return (quote is '"' or '\u201C' or '\u201D' or '\u201E' ? inner.Replace("`\"", "\"") : inner.Replace("''", "'"), quote);
    }

    private static bool IsQuote(char c) => c is '\'' or '"' or '\u2018' or '\u2019' or '\u201A' or '\u201B' or '\u201C' or '\u201D' or '\u201E';

    /// <summary>
    /// The text to insert: in the quotes the user opened; else bare when PowerShell reads the bare word back as
    /// the same string; else in single quotes. A name such as 0x10 or 1e3 would read back as a number, -x as a
    /// parameter, a,b as an array: those are quoted.
    /// </summary>
    internal string Quote(string value, char? quote)
    {
        if (quote is '"' or '\u201C' or '\u201D' or '\u201E')
        {
            return "\"" + value.Replace("`", "``").Replace("$", "`$").Replace("\"", "`\"") + "\"";
        }
        if (quote is null && (ReadsBackAsIs(value) || NumericValues && value.All(char.IsAsciiDigit)))
        {
            return value;
        }
        return "'" + value.Replace("'", "''") + "'";
    }

    /// <summary>True for a parameter whose values are numbers (ports), which need no quotes.</summary>
    protected virtual bool NumericValues => false;

    internal static bool ReadsBackAsIs(string value)
    {
        if (value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return false;
        }
        var ast = Parser.ParseInput("x " + value, out _, out var errors);
        return errors.Length == 0
            && ast.Find(a => a is CommandAst, searchNestedScriptBlocks: false) is CommandAst command
            && command.CommandElements.Count == 2
            && command.CommandElements[1] is StringConstantExpressionAst { StringConstantType: StringConstantType.BareWord } word
            && word.Value == value;
    }
}

/// <summary>What a completer knows about the command line being completed.</summary>
public sealed class CompletionContext
{
    private readonly IDictionary? _bound;

    public CompletionContext(string commandName, string prefix, IDictionary? fakeBoundParameters)
    {
        CommandName = commandName;
        Prefix = prefix;
        _bound = fakeBoundParameters;
    }

    public string CommandName { get; }

    /// <summary>The word typed so far, without quotes.</summary>
    public string Prefix { get; }

    /// <summary>
    /// The strings already typed for another parameter (-Namespace red, or red, blue), with objects reduced to
    /// their names; empty when it was not typed or is not a constant the parser could read.
    /// </summary>
    public IReadOnlyList<string> Bound(string parameterName)
    {
        if (_bound is null || !_bound.Contains(parameterName))
        {
            return Array.Empty<string>();
        }
        var values = new List<string>();
        Collect(_bound[parameterName], values);
        return values;
    }

    private static void Collect(object? value, List<string> into)
    {
        switch (value)
        {
            case null:
                return;
            case PSObject ps:
                Collect(ps.BaseObject, into);
                return;
            case string s:
                if (s.Length > 0)
                {
                    into.Add(s);
                }
                return;
            case NetNamespace n:
                into.Add(n.Name);
                return;
            case NetBridge b:
                into.Add(b.Name);
                return;
            case IEnumerable items:
                foreach (var item in items)
                {
                    Collect(item, into);
                }
                return;
            case ValueType v:
                into.Add(Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "");
                return;
        }
    }
}
