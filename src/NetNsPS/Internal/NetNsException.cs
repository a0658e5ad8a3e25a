using System;
using System.Management.Automation;

namespace NetNsPS;

/// <summary>An error meant for the user: it becomes an ErrorRecord with a real category and a stable id, never a stack trace.</summary>
public sealed class NetNsException : Exception
{
    public NetNsException(string message, string errorId, ErrorCategory category, object? target, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Category = category;
        Target = target;
    }

    public string ErrorId { get; }
    public ErrorCategory Category { get; }
    public object? Target { get; }

    public ErrorRecord ToErrorRecord() => new(this, ErrorId, Category, Target);
}
