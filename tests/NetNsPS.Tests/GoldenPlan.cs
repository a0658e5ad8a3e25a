using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using NetNsPS.Operations;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>
/// Golden plans, as moby keeps golden rulesets: a planner's answer for one starting state, rendered as the objects,
/// -WhatIf lines and undos it would run (or the error it gives), compared with a text file under Golden/. Run with
/// NETNSPS_UPDATE_GOLDEN=1 to write the files anew; review the diff like any other change.
/// </summary>
public static class GoldenPlan
{
    public const string UpdateVariable = "NETNSPS_UPDATE_GOLDEN";

    /// <summary>One line per object ("object: ..."), per step ("step: ...") and per undo ("  undo: ..."); "(no change)" for an empty plan.</summary>
    public static string Render(Plan plan)
    {
        if (plan.IsEmpty)
        {
            return "(no change)\n";
        }
        var text = new StringBuilder();
        foreach (var o in plan.Objects())
        {
            text.Append("object: ").Append(o.Subject ?? "(none)").Append('\n');
            foreach (var step in o.Steps)
            {
                text.Append("step: ").Append(step.Command.Render()).Append('\n');
                if (step.Undo is not null)
                {
                    text.Append("  undo: ").Append(step.Undo.Render()).Append('\n');
                }
            }
        }
        return text.ToString();
    }

    /// <summary>The plan the planner gives, or the error it throws ("error: Id (Category): message").</summary>
    public static string Render(Func<Plan> planner)
    {
        try
        {
            return Render(planner());
        }
        catch (NetNsException e)
        {
            return $"error: {e.ErrorId} ({e.Category}): {e.Message}\n";
        }
    }

    /// <summary>Checks the rendering against Golden/NAME.txt (or writes it under NETNSPS_UPDATE_GOLDEN=1).</summary>
    public static void Check(string name, string actual, [CallerFilePath] string callerFile = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(callerFile)!, "Golden", name + ".txt");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"No golden file {path}; run the tests with {UpdateVariable}=1 to write it, then review it.");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    /// <summary>Golden files of these folders (under Golden/) that no case names: left over from a case renamed or removed.</summary>
    public static void AssertEveryFileHasCase(IEnumerable<string> folders, IEnumerable<string> caseNames, [CallerFilePath] string callerFile = "")
    {
        var root = Path.Combine(Path.GetDirectoryName(callerFile)!, "Golden");
        var files = folders.SelectMany(folder => Directory.GetFiles(Path.Combine(root, folder), "*.txt")
            .Select(f => folder + "/" + Path.GetFileNameWithoutExtension(f)));
        Assert.Empty(files.Except(caseNames));
    }
}
