using System;
using System.Management.Automation;
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
    public static void Emit(object? record)
    {
        string kind, payload;
        switch (record)
        {
            case ErrorRecord e:
                kind = nameof(Kind.Error);
                payload = JsonSerializer.Serialize(new ErrorPayload(
                    e.Exception?.Message ?? e.ToString(),
                    e.FullyQualifiedErrorId,
                    e.CategoryInfo.Category.ToString(),
                    e.TargetObject?.ToString()));
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

    public sealed record ErrorPayload(string Message, string ErrorId, string Category, string? Target);

    public static ErrorRecord ToErrorRecord(string payload)
    {
        var e = JsonSerializer.Deserialize<ErrorPayload>(payload)!;
        var category = Enum.TryParse<ErrorCategory>(e.Category, out var c) ? c : ErrorCategory.NotSpecified;
        return new ErrorRecord(new SandboxErrorException(e.Message, e.ErrorId), e.ErrorId, category, e.Target);
    }
}

/// <summary>An error raised inside a sandbox, carried back with its original id.</summary>
public sealed class SandboxErrorException : Exception
{
    public SandboxErrorException(string message, string originalErrorId) : base(message) => OriginalErrorId = originalErrorId;

    /// <summary>The FullyQualifiedErrorId the error had inside the sandbox.</summary>
    public string OriginalErrorId { get; }
}
