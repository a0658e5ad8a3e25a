using System;
using System.Management.Automation;

namespace NetNsPS.Linux;

/// <summary>Maps the kernel's and tools' words to PowerShell error categories.</summary>
public static class KernelErrors
{
    public static ErrorCategory Categorize(string message)
    {
        bool Has(string s) => message.Contains(s, StringComparison.OrdinalIgnoreCase);
        if (Has("File exists") || Has("already exists") || Has("Address already assigned"))
        {
            return ErrorCategory.ResourceExists;
        }
        if (Has("Cannot find device") || Has("does not exist") || Has("No such file") || Has("No such device") || Has("No such process") || Has("Cannot open network namespace"))
        {
            return ErrorCategory.ObjectNotFound;
        }
        if (Has("Operation not permitted") || Has("Permission denied"))
        {
            return ErrorCategory.PermissionDenied;
        }
        if (Has("Invalid argument") || Has("invalid") || Has("Bad") || Has("Nexthop has invalid gateway"))
        {
            return ErrorCategory.InvalidArgument;
        }
        if (Has("Resource busy") || Has("Device or resource busy") || Has("lock"))
        {
            return ErrorCategory.ResourceBusy;
        }
        return ErrorCategory.InvalidOperation;
    }
}
