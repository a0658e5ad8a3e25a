using System;
using System.Globalization;
using System.Management.Automation;
using NetNsPS.Linux;

namespace NetNsPS.Internal;

/// <summary>
/// Turns what a user typed into a port number (1-65535) for a ushort parameter, or refuses it saying what is allowed.
/// Without it, PowerShell's own conversion answered 65536, -1 or 'http' with "Value was either too large or too small
/// for a UInt16" or "The input string 'http' was not in a correct format", and silently rounded 8080.5 to 8080.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class PortNumberAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) => ToPort(inputData);

    /// <summary>The port, or null for null (an optional port left out); anything else throws the binder's transformation error.</summary>
    public static object? ToPort(object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        switch (value)
        {
            case null:
                return null;
            case ushort port when port >= 1:
                return port;
            case bool or char:
                break;
            default:
                if (LanguagePrimitives.TryConvertTo(value, CultureInfo.InvariantCulture, out decimal number)
                    && number == decimal.Truncate(number) && number is >= 1 and <= ushort.MaxValue)
                {
                    return (ushort)number;
                }
                break;
        }
        throw new ArgumentTransformationMetadataException(
            $"'{Names.Show(Convert.ToString(value, CultureInfo.InvariantCulture))}' is not a port number: use a whole number from 1 to 65535.");
    }
}
