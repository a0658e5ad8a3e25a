using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;

namespace NetNsPS.Lab;

/// <summary>Reads a lab file: a .psd1 through Import-PowerShellDataFile (no code runs), a containerlab .clab.yml through YamlDotNet.</summary>
public static class LabFile
{
    public static bool IsYaml(string path) =>
        path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase);

    /// <summary>The validated lab of the file at <paramref name="path"/> (a full file-system path); its warnings are written to the cmdlet.</summary>
    public static LabSpec Load(PSCmdlet cmdlet, string path)
    {
        if (!File.Exists(path))
        {
            throw new NetNsException($"Lab file '{path}' does not exist.", "LabFileNotFound", ErrorCategory.ObjectNotFound, path);
        }
        var warnings = new List<string>();
        object? data;
        if (IsYaml(path))
        {
            data = Containerlab.ToData(File.ReadAllText(path), path, warnings);
        }
        else
        {
            try
            {
                data = cmdlet.InvokeCommand.InvokeScript("Import-PowerShellDataFile -LiteralPath $args[0]", path)
                    .Select(o => o?.BaseObject).FirstOrDefault();
            }
            catch (RuntimeException e)
            {
                throw new NetNsException($"The lab file {path} is not a PowerShell data file; nothing was changed: {e.Message}",
                    "InvalidLabFile", ErrorCategory.InvalidData, path);
            }
        }
        var spec = LabReader.Read(data, path, out var more);
        foreach (var warning in warnings.Concat(more))
        {
            cmdlet.WriteWarning($"{Path.GetFileName(path)}: {warning}");
        }
        return spec;
    }
}
