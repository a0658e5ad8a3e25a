using NetNsPS.Linux;
using System.Collections.Generic;

namespace NetNsPS.Operations;

/// <summary>One command of an operation and the command that undoes it (null: nothing to undo).</summary>
public sealed record PlanStep(CommandSpec Command, CommandSpec? Undo);

/// <summary>An operation as an ordered list of commands: -WhatIf prints them, -Verbose shows them, rollback runs the undos.</summary>
public sealed class Plan
{
    private readonly List<PlanStep> _steps = new();

    public IReadOnlyList<PlanStep> Steps => _steps;
    public bool IsEmpty => _steps.Count == 0;

    public Plan Add(CommandSpec command, CommandSpec? undo = null)
    {
        _steps.Add(new PlanStep(command, undo));
        return this;
    }

    /// <summary>Adds another plan's steps after this one's.</summary>
    public Plan Append(Plan other)
    {
        _steps.AddRange(other.Steps);
        return this;
    }
}
