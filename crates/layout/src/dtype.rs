//! Every PyTorch dtype with the names and codes the code generator needs.

use crate::LayoutError;

/// A PyTorch dtype.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
#[non_exhaustive]
pub enum DType {
    Float32,
    Float64,
    Float16,
    BFloat16,
    Int8,
    Int16,
    Int32,
    Int64,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    Bool,
    Complex32,
    Complex64,
    Complex128,
    Float8E4m3fn,
    Float8E5m2,
    Float8E4m3fnuz,
    Float8E5m2fnuz,
    Float8E8m0fnu,
}

/// One row of the dtype table.
struct Row {
    dtype: DType,
    name: &'static str,
    aliases: &'static [&'static str],
    itemsize: u32,
    aten: &'static str,
    cpp: &'static str,
    scalar_type: i32,
    /// DLPack (code, bits); lanes are always 1.
    dlpack: (u8, u8),
}

// c10::ScalarType codes (c10/core/ScalarType.h) and DLPack type codes (dlpack.h:
// kDLInt 0, kDLUInt 1, kDLFloat 2, kDLBfloat 4, kDLComplex 5, kDLBool 6, float8: 10 e4m3fn,
// 11 e4m3fnuz, 12 e5m2, 13 e5m2fnuz, 14 e8m0fnu).
const TABLE: &[Row] = &[
    Row {
        dtype: DType::Float32,
        name: "float32",
        aliases: &["float"],
        itemsize: 4,
        aten: "at::kFloat",
        cpp: "float",
        scalar_type: 6,
        dlpack: (2, 32),
    },
    Row {
        dtype: DType::Float64,
        name: "float64",
        aliases: &["double"],
        itemsize: 8,
        aten: "at::kDouble",
        cpp: "double",
        scalar_type: 7,
        dlpack: (2, 64),
    },
    Row {
        dtype: DType::Float16,
        name: "float16",
        aliases: &["half"],
        itemsize: 2,
        aten: "at::kHalf",
        cpp: "c10::Half",
        scalar_type: 5,
        dlpack: (2, 16),
    },
    Row {
        dtype: DType::BFloat16,
        name: "bfloat16",
        aliases: &[],
        itemsize: 2,
        aten: "at::kBFloat16",
        cpp: "c10::BFloat16",
        scalar_type: 15,
        dlpack: (4, 16),
    },
    Row {
        dtype: DType::Int8,
        name: "int8",
        aliases: &[],
        itemsize: 1,
        aten: "at::kChar",
        cpp: "int8_t",
        scalar_type: 1,
        dlpack: (0, 8),
    },
    Row {
        dtype: DType::Int16,
        name: "int16",
        aliases: &["short"],
        itemsize: 2,
        aten: "at::kShort",
        cpp: "int16_t",
        scalar_type: 2,
        dlpack: (0, 16),
    },
    Row {
        dtype: DType::Int32,
        name: "int32",
        aliases: &["int"],
        itemsize: 4,
        aten: "at::kInt",
        cpp: "int32_t",
        scalar_type: 3,
        dlpack: (0, 32),
    },
    Row {
        dtype: DType::Int64,
        name: "int64",
        aliases: &["long"],
        itemsize: 8,
        aten: "at::kLong",
        cpp: "int64_t",
        scalar_type: 4,
        dlpack: (0, 64),
    },
    Row {
        dtype: DType::UInt8,
        name: "uint8",
        aliases: &[],
        itemsize: 1,
        aten: "at::kByte",
        cpp: "uint8_t",
        scalar_type: 0,
        dlpack: (1, 8),
    },
    Row {
        dtype: DType::UInt16,
        name: "uint16",
        aliases: &[],
        itemsize: 2,
        aten: "at::kUInt16",
        cpp: "uint16_t",
        scalar_type: 27,
        dlpack: (1, 16),
    },
    Row {
        dtype: DType::UInt32,
        name: "uint32",
        aliases: &[],
        itemsize: 4,
        aten: "at::kUInt32",
        cpp: "uint32_t",
        scalar_type: 28,
        dlpack: (1, 32),
    },
    Row {
        dtype: DType::UInt64,
        name: "uint64",
        aliases: &[],
        itemsize: 8,
        aten: "at::kUInt64",
        cpp: "uint64_t",
        scalar_type: 29,
        dlpack: (1, 64),
    },
    Row {
        dtype: DType::Bool,
        name: "bool",
        aliases: &[],
        itemsize: 1,
        aten: "at::kBool",
        cpp: "bool",
        scalar_type: 11,
        dlpack: (6, 8),
    },
    Row {
        dtype: DType::Complex32,
        name: "complex32",
        aliases: &["chalf"],
        itemsize: 4,
        aten: "at::kComplexHalf",
        cpp: "c10::complex<c10::Half>",
        scalar_type: 8,
        dlpack: (5, 32),
    },
    Row {
        dtype: DType::Complex64,
        name: "complex64",
        aliases: &["cfloat"],
        itemsize: 8,
        aten: "at::kComplexFloat",
        cpp: "c10::complex<float>",
        scalar_type: 9,
        dlpack: (5, 64),
    },
    Row {
        dtype: DType::Complex128,
        name: "complex128",
        aliases: &["cdouble"],
        itemsize: 16,
        aten: "at::kComplexDouble",
        cpp: "c10::complex<double>",
        scalar_type: 10,
        dlpack: (5, 128),
    },
    Row {
        dtype: DType::Float8E4m3fn,
        name: "float8_e4m3fn",
        aliases: &[],
        itemsize: 1,
        aten: "at::kFloat8_e4m3fn",
        cpp: "c10::Float8_e4m3fn",
        scalar_type: 24,
        dlpack: (10, 8),
    },
    Row {
        dtype: DType::Float8E5m2,
        name: "float8_e5m2",
        aliases: &[],
        itemsize: 1,
        aten: "at::kFloat8_e5m2",
        cpp: "c10::Float8_e5m2",
        scalar_type: 23,
        dlpack: (12, 8),
    },
    Row {
        dtype: DType::Float8E4m3fnuz,
        name: "float8_e4m3fnuz",
        aliases: &[],
        itemsize: 1,
        aten: "at::kFloat8_e4m3fnuz",
        cpp: "c10::Float8_e4m3fnuz",
        scalar_type: 26,
        dlpack: (11, 8),
    },
    Row {
        dtype: DType::Float8E5m2fnuz,
        name: "float8_e5m2fnuz",
        aliases: &[],
        itemsize: 1,
        aten: "at::kFloat8_e5m2fnuz",
        cpp: "c10::Float8_e5m2fnuz",
        scalar_type: 25,
        dlpack: (13, 8),
    },
    Row {
        dtype: DType::Float8E8m0fnu,
        name: "float8_e8m0fnu",
        aliases: &[],
        itemsize: 1,
        aten: "at::kFloat8_e8m0fnu",
        cpp: "c10::Float8_e8m0fnu",
        scalar_type: 44,
        dlpack: (14, 8),
    },
];

impl DType {
    /// Every dtype.
    pub const ALL: &'static [DType] = &[
        DType::Float32,
        DType::Float64,
        DType::Float16,
        DType::BFloat16,
        DType::Int8,
        DType::Int16,
        DType::Int32,
        DType::Int64,
        DType::UInt8,
        DType::UInt16,
        DType::UInt32,
        DType::UInt64,
        DType::Bool,
        DType::Complex32,
        DType::Complex64,
        DType::Complex128,
        DType::Float8E4m3fn,
        DType::Float8E5m2,
        DType::Float8E4m3fnuz,
        DType::Float8E5m2fnuz,
        DType::Float8E8m0fnu,
    ];

    fn row(self) -> &'static Row {
        TABLE
            .iter()
            .find(|r| r.dtype == self)
            .expect("every dtype has a row")
    }

    /// Size of one element in bytes.
    pub fn itemsize(self) -> u32 {
        self.row().itemsize
    }

    /// PyTorch's name (`float16`).
    pub fn name(self) -> &'static str {
        self.row().name
    }

    /// The ATen constant (`at::kHalf`).
    pub fn aten(self) -> &'static str {
        self.row().aten
    }

    /// The C++ element type (`c10::Half`).
    pub fn cpp_type(self) -> &'static str {
        self.row().cpp
    }

    /// The AOTI shim accessor (`aoti_torch_dtype_float16`), called with `()`.
    pub fn aoti_accessor(self) -> String {
        format!("aoti_torch_dtype_{}", self.name())
    }

    /// The integer the shim returns: the c10 `ScalarType` code (float16 = 5, float32 = 6).
    pub fn scalar_type_code(self) -> i32 {
        self.row().scalar_type
    }

    /// DLPack `(code, bits, lanes)`.
    pub fn dlpack(self) -> (u8, u8, u16) {
        let (c, b) = self.row().dlpack;
        (c, b, 1)
    }

    /// Whether the dtype is a floating point (real) type.
    pub fn is_floating_point(self) -> bool {
        matches!(self.row().dlpack.0, 2 | 4 | 10..=14)
    }

    /// Parses `float16`, `torch.float16`, or an alias such as `half`.
    pub fn parse(s: &str) -> Result<DType, LayoutError> {
        let t = s.trim().strip_prefix("torch.").unwrap_or(s.trim());
        TABLE
            .iter()
            .find(|r| r.name == t || r.aliases.contains(&t))
            .map(|r| r.dtype)
            .ok_or_else(|| {
                LayoutError::Parse(format!(
                    "unknown dtype '{s}' (expected one of: {})",
                    TABLE.iter().map(|r| r.name).collect::<Vec<_>>().join(", ")
                ))
            })
    }
}

impl std::fmt::Display for DType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
