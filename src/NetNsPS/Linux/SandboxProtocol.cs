using System;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace NetNsPS.Linux;

/// <summary>
/// How a sandboxed pwsh hands its streams back: one marked line per record on standard output,
/// everything else (Write-Host, What if: lines, Pester's report) passes through as text.
/// </summary>
public static class SandboxProtocol
{
    public const string Marker = "\u001eNETNSPS-RECORD:";

    public enum Kind { Output, Error, Warning, Verbose, Debug }

    /// <summary>Called inside the sandbox for every record of the script block's merged streams.</summary>
    public static void Emit(object? record) => Emit(record, null, 0);

    /// <summary>
    /// <see cref="Emit(object?)"/>, with the script block's text as the sandbox parsed it, to find the line of an
    /// error whose own position is the sandbox's (Write-Error points at the command that ran the block), and the
    /// number of stack frames that are the sandbox's own (the outermost), to leave them out of stack traces.
    /// </summary>
    public static void Emit(object? record, string? scriptText, int bootstrapFrames)
    {
        string kind, payload;
        switch (record)
        {
            case ErrorRecord e:
                kind = nameof(Kind.Error);
                payload = JsonSerializer.Serialize(Describe(e, scriptText, bootstrapFrames));
                break;
            case WarningRecord w:
                kind = nameof(Kind.Warning);
                payload = w.Message;
                break;
            case VerboseRecord v:
                kind = nameof(Kind.Verbose);
                payload = v.Message;
                break;
            case DebugRecord d:
                kind = nameof(Kind.Debug);
                payload = d.Message;
                break;
            default:
                kind = nameof(Kind.Output);
                payload = PSSerializer.Serialize(record, 3);
                break;
        }
        Console.Out.WriteLine(Marker + kind + ":" + Convert.ToBase64String(Encoding.UTF8.GetBytes(payload)));
        Console.Out.Flush();
    }

    /// <summary>Splits a marked line into its kind and decoded payload; false for plain text.</summary>
    public static bool TryParse(string line, out Kind kind, out string payload)
    {
        kind = Kind.Output;
        payload = "";
        if (!line.StartsWith(Marker, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = line.AsSpan(Marker.Length);
        var colon = rest.IndexOf(':');
        if (colon < 0 || !Enum.TryParse(rest[..colon].ToString(), out kind))
        {
            return false;
        }
        payload = Encoding.UTF8.GetString(Convert.FromBase64String(rest[(colon + 1)..].ToString()));
        return true;
    }

    /// <summary>
    /// An error as it crosses the boundary: what it says, and where in the script block it was raised (the child
    /// parses the block at its own line and column, in its own file, so these are the user's).
    /// </summary>
    public sealed record ErrorPayload(string Message, string ErrorId, string Category, string? Target)
    {
        /// <summary>The command that raised it inside the sandbox, such as Write-Error.</summary>
        public string? Command { get; init; }
        public string? ScriptName { get; init; }

        /// <summary>1-based; 0 when the error has no position.</summary>
        public int Line { get; init; }
        public int Column { get; init; }
        public string? LineText { get; init; }

        /// <summary>The script block's frames, innermost first, without the sandbox's own.</summary>
        public string? ScriptStackTrace { get; init; }
    }

    /// <summary>The variable the sandbox's bootstrap holds the user's block in: a position on a line naming it is the bootstrap's.</summary>
    public const string BlockVariable = "$__netnsps_block";

    private static readonly System.Text.RegularExpressions.Regex Frame = new(@"^at .*?, (?<file>.*): line (?<line>\d+)$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>
    /// An error record as the payload: its position when that is in the user's block, else the position of the
    /// innermost frame of its stack trace (the line, at its first word).
    /// </summary>
    internal static ErrorPayload Describe(ErrorRecord e, string? scriptText, int bootstrapFrames)
    {
        var trace = WithoutOutermostFrames(e.ScriptStackTrace, bootstrapFrames);
        var payload = new ErrorPayload(e.Exception?.Message ?? e.ToString(), e.FullyQualifiedErrorId, e.CategoryInfo.Category.ToString(), e.TargetObject?.ToString())
        {
            Command = string.IsNullOrEmpty(e.InvocationInfo?.MyCommand?.Name) ? null : e.InvocationInfo.MyCommand.Name,
            ScriptName = e.InvocationInfo?.ScriptName,
            Line = e.InvocationInfo?.ScriptLineNumber ?? 0,
            Column = e.InvocationInfo?.OffsetInLine ?? 0,
            LineText = e.InvocationInfo?.Line,
            ScriptStackTrace = trace,
        };
        var inBootstrap = payload.Line == 0 || (payload.LineText ?? "").Contains(BlockVariable, StringComparison.Ordinal);
        if (!inBootstrap)
        {
            return payload;
        }
        var first = (trace ?? "").Split('\n')[0].TrimEnd('\r');
        var match = Frame.Match(first);
        if (!match.Success || scriptText is null)
        {
            return payload with { Command = null, Line = 0, Column = 0, LineText = null };
        }
        var line = int.Parse(match.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var lines = scriptText.Split('\n');
        var text = line >= 1 && line <= lines.Length ? lines[line - 1].TrimEnd('\r') : "";
        var file = match.Groups["file"].Value;
        return payload with
        {
            Command = null,
            ScriptName = file == "<No file>" ? null : file,
            Line = line,
            Column = text.Length - text.TrimStart().Length + 1,
            LineText = text,
        };
    }

    /// <summary>A stack trace without its <paramref name="count"/> outermost frames (the last lines): the sandbox's bootstrap.</summary>
    internal static string? WithoutOutermostFrames(string? trace, int count)
    {
        if (string.IsNullOrEmpty(trace) || count <= 0)
        {
            return trace;
        }
        var lines = trace.Split('\n');
        return lines.Length <= count ? "" : string.Join("\n", lines[..^count]).TrimEnd('\r');
    }

    public static ErrorRecord ToErrorRecord(string payload) => ToErrorRecord(JsonSerializer.Deserialize<ErrorPayload>(payload)!, null);

    /// <summary>
    /// The error as an ErrorRecord of this side. With <paramref name="where"/> (the Invoke-NsSandbox call) and a
    /// position, its InvocationInfo and ScriptStackTrace point at the line of the script block that raised it, then
    /// at the caller's frames.
    /// </summary>
    public static ErrorRecord ToErrorRecord(ErrorPayload e, ErrorOrigin? where)
    {
        var category = Enum.TryParse<ErrorCategory>(e.Category, out var c) ? c : ErrorCategory.NotSpecified;
        var record = new ErrorRecord(new SandboxErrorException(e.Message, e.ErrorId), e.ErrorId, category, e.Target);
        if (where is not null && e.Line > 0)
        {
            var line = e.LineText ?? "";
            var start = new ScriptPosition(e.ScriptName, e.Line, Math.Max(1, e.Column), line);
            var end = where.EndOf(e) ?? new ScriptPosition(e.ScriptName, e.Line, Math.Max(1, line.TrimEnd().Length + 1), line);
            var info = InvocationInfo.Create(where.CommandNamed(e.Command), new ScriptExtent(start, end));
            ErrorRecordPosition.Set(record, info, e.ScriptStackTrace);
        }
        return record;
    }
}

/// <summary>What the calling side knows about where a sandboxed error belongs: its script block and its commands.</summary>
public sealed class ErrorOrigin
{
    private readonly ScriptBlock _block;
    private readonly Func<string?, CommandInfo> _command;

    /// <param name="block">The script block as the caller wrote it.</param>
    /// <param name="command">The command of that name on this side (the one that raised the error inside), or Invoke-NsSandbox.</param>
    public ErrorOrigin(ScriptBlock block, Func<string?, CommandInfo> command)
    {
        _block = block;
        _command = command;
    }

    internal CommandInfo CommandNamed(string? name) => _command(name);

    /// <summary>
    /// Where the statement that raised the error ends, from the caller's own copy of the block: the innermost
    /// command (or else statement) that starts at the error's position. Null when the error is not in the block.
    /// </summary>
    internal ScriptPosition? EndOf(SandboxProtocol.ErrorPayload e)
    {
        if (!string.Equals(_block.File ?? "", e.ScriptName ?? "", StringComparison.Ordinal))
        {
            return null;
        }
        var at = _block.Ast.FindAll(a => a.Extent.StartLineNumber == e.Line && a.Extent.StartColumnNumber == e.Column, searchNestedScriptBlocks: true).ToList();
        var best = at.OfType<CommandBaseAst>().LastOrDefault() ?? (Ast?)at.OfType<StatementAst>().LastOrDefault();
        if (best is null)
        {
            return null;
        }
        var extent = best.Extent;
        var lineText = extent.StartLineNumber == extent.EndLineNumber ? e.LineText ?? "" : "";
        return new ScriptPosition(e.ScriptName, extent.EndLineNumber, extent.EndColumnNumber, lineText);
    }
}

/// <summary>
/// Gives an ErrorRecord a position and a script stack trace of its own that survive WriteError. PowerShell has no
/// public way to do that (its remoting does it inside the engine), so this reaches the ErrorRecord members the
/// engine uses; without them (another PowerShell) the record keeps the caller's position.
/// </summary>
internal static class ErrorRecordPosition
{
    private const BindingFlags Internal = BindingFlags.NonPublic | BindingFlags.Instance;
    private static readonly MethodInfo? SetInvocationInfo = typeof(ErrorRecord).GetMethod("SetInvocationInfo", Internal);
    private static readonly PropertyInfo? PreserveOnce = typeof(ErrorRecord).GetProperty("PreserveInvocationInfoOnce", Internal);
    private static readonly FieldInfo? StackTrace = typeof(ErrorRecord).GetField("_scriptStackTrace", Internal);

    public static bool Available => SetInvocationInfo is not null && PreserveOnce is not null && StackTrace is not null;

    /// <summary>
    /// Points the record at <paramref name="info"/>; its script stack trace becomes <paramref name="innerTrace"/> (the
    /// sandbox's frames) followed by the frames that called Invoke-NsSandbox.
    /// </summary>
    public static void Set(ErrorRecord record, InvocationInfo info, string? innerTrace)
    {
        if (!Available)
        {
            return;
        }
        // SetInvocationInfo also records the current call stack (the caller's frames) as the record's trace.
        SetInvocationInfo!.Invoke(record, new object[] { info });
        var outer = record.ScriptStackTrace;
        StackTrace!.SetValue(record, string.Join("\n", new[] { innerTrace, outer }.Where(t => !string.IsNullOrEmpty(t))));
        PreserveOnce!.SetValue(record, true);
    }
}

/// <summary>An error raised inside a sandbox, carried back with its original id.</summary>
public sealed class SandboxErrorException : Exception
{
    public SandboxErrorException(string message, string originalErrorId) : base(message) => OriginalErrorId = originalErrorId;

    /// <summary>The FullyQualifiedErrorId the error had inside the sandbox.</summary>
    public string OriginalErrorId { get; }
}
