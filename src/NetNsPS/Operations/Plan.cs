using System;
using System.Collections.Generic;
using NetNsPS.Linux;

namespace NetNsPS.Operations;

/// <summary>
/// One command of an operation and the command that undoes it (null: nothing to undo). Subject names the object the
/// step builds or changes ("bridge 'bridge0'"): -Confirm asks once per object, listing its commands.
/// </summary>
public sealed record PlanStep(CommandSpec Command, CommandSpec? Undo)
{
    public string? Subject { get; init; }
}

/// <summary>The consecutive steps of a plan that concern one object, as -Confirm asks about them.</summary>
public sealed record PlanObject(string? Subject, IReadOnlyList<PlanStep> Steps);

/// <summary>An operation as an ordered list of commands: -WhatIf prints them, -Verbose shows them, rollback runs the undos.</summary>
public sealed class Plan
{
    private readonly List<PlanStep> _steps = new();
    private string? _subject;
    private readonly Dictionary<object, Action> _whenApplied = new(ReferenceEqualityComparer.Instance);

    public IReadOnlyList<PlanStep> Steps => _steps;
    public bool IsEmpty => _steps.Count == 0;

    /// <summary>The steps added from now on concern this object (until the next call).</summary>
    public Plan About(string subject)
    {
        _subject = subject;
        return this;
    }

    public Plan Add(CommandSpec command, CommandSpec? undo = null)
    {
        _steps.Add(new PlanStep(command, undo) { Subject = _subject });
        return this;
    }

    /// <summary>Adds another plan's steps after this one's, each keeping its subject (and what it runs once applied).</summary>
    public Plan Append(Plan other)
    {
        _steps.AddRange(other.Steps);
        foreach (var (key, action) in other._whenApplied)
        {
            _whenApplied.TryAdd(key, action);
        }
        return this;
    }

    /// <summary>
    /// Runs <paramref name="action"/> once every step of the plan has run and succeeded: never under -WhatIf, after a
    /// rollback, or when declined. One action per <paramref name="key"/>; false when the key already had one.
    /// </summary>
    public bool WhenApplied(object key, Action action) => _whenApplied.TryAdd(key, action);

    /// <summary>The executor's call once the whole plan has been applied.</summary>
    internal void Applied()
    {
        foreach (var action in _whenApplied.Values)
        {
            action();
        }
    }

    /// <summary>The plan's steps as runs of one object each, in order.</summary>
    public IReadOnlyList<PlanObject> Objects()
    {
        var objects = new List<PlanObject>();
        var start = 0;
        for (var i = 1; i <= _steps.Count; i++)
        {
            if (i == _steps.Count || _steps[i].Subject != _steps[start].Subject)
            {
                objects.Add(new PlanObject(_steps[start].Subject, _steps.GetRange(start, i - start)));
                start = i;
            }
        }
        return objects;
    }
}
