//! Devices: a type with its c10 `DeviceType` integer, and an optional index.

use crate::LayoutError;

// c10/core/DeviceType.h order.
const TYPES: &[(&str, i32, &str)] = &[
    ("cpu", 0, "at::kCPU"),
    ("cuda", 1, "at::kCUDA"),
    ("mkldnn", 2, "at::kMKLDNN"),
    ("opengl", 3, "at::kOPENGL"),
    ("opencl", 4, "at::kOPENCL"),
    ("ideep", 5, "at::kIDEEP"),
    ("hip", 6, "at::kHIP"),
    ("fpga", 7, "at::kFPGA"),
    ("maia", 8, "at::kMAIA"),
    ("xla", 9, "at::kXLA"),
    ("vulkan", 10, "at::kVulkan"),
    ("metal", 11, "at::kMetal"),
    ("xpu", 12, "at::kXPU"),
    ("mps", 13, "at::kMPS"),
    ("meta", 14, "at::kMeta"),
    ("hpu", 15, "at::kHPU"),
    ("ve", 16, "at::kVE"),
    ("lazy", 17, "at::kLazy"),
    ("ipu", 18, "at::kIPU"),
    ("mtia", 19, "at::kMTIA"),
    ("privateuseone", 20, "at::kPrivateUse1"),
];

/// A device type and optional index (`cuda:1`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Device {
    kind: &'static str,
    code: i32,
    aten: &'static str,
    /// Device index, if given.
    pub index: Option<u32>,
}

impl Device {
    /// The CPU.
    pub fn cpu() -> Device {
        Device::parse("cpu").expect("cpu exists")
    }

    /// Parses `cpu`, `cuda`, `cuda:0`, ...
    pub fn parse(s: &str) -> Result<Device, LayoutError> {
        let (name, idx) = match s.trim().split_once(':') {
            Some((n, i)) => {
                let i: u32 = i.parse().map_err(|_| {
                    LayoutError::Parse(format!(
                        "device '{s}': the index must be a nonnegative integer"
                    ))
                })?;
                (n, Some(i))
            }
            None => (s.trim(), None),
        };
        let (kind, code, aten) = TYPES.iter().find(|t| t.0 == name).copied().ok_or_else(|| {
            LayoutError::Parse(format!(
                "unknown device type '{name}' (cpu, cuda, xpu, mps, meta, ...)"
            ))
        })?;
        Ok(Device {
            kind,
            code,
            aten,
            index: idx,
        })
    }

    /// The device type's name (`cuda`).
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// The c10 `DeviceType` integer (cpu 0, cuda 1).
    pub fn type_code(&self) -> i32 {
        self.code
    }

    /// The ATen constant (`at::kCUDA`).
    pub fn aten(&self) -> &'static str {
        self.aten
    }
}

impl std::fmt::Display for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.index {
            Some(i) => write!(f, "{}:{i}", self.kind),
            None => f.write_str(self.kind),
        }
    }
}
