//! The codec's unit tests, on hand-built descriptors (the generated ones are tested through them in the testee
//! crate, conformance/testees/rs).

use bytes::Bytes;
use indexmap::IndexMap;

use super::*;
use crate::runtime::error::{ErrorKind, Result};
use crate::runtime::ndarray::NdArray;
use crate::runtime::schema::{Alias, ArrayType, EventInfo, Field, FloatWidth, Pattern, Record, StrType, Union};
use crate::runtime::value::Map;
use crate::runtime::zdata::ZData;

// -- hand-built descriptors ------------------------------------------------------------------------------

static F64_TYPE: Type = Type::Float(FloatWidth::F64);
static STR_TYPE: Type = Type::Str(&StrType::ANY);
static NAME: StrType = StrType {
    constant: None,
    one_of: None,
    pattern: None,
    min_length: Some(1),
    max_length: Some(3),
};
static COLOR: StrType = StrType {
    constant: None,
    one_of: Some(&["red", "green"]),
    ..StrType::ANY
};
static HEX_PATTERN: Pattern = Pattern::new("^#[0-9a-f]{6}$");
static HEX: StrType = StrType {
    pattern: Some(&HEX_PATTERN),
    ..StrType::ANY
};
static ONLY_A: StrType = StrType {
    constant: Some("a"),
    ..StrType::ANY
};
static ANY_ITEMS: ArrayType = ArrayType {
    items: Type::Any,
    min_items: None,
    max_items: None,
};
static VECTOR3: ArrayType = ArrayType {
    items: Type::Float(FloatWidth::F64),
    min_items: Some(3),
    max_items: Some(3),
};
static U64: Type = Type::Int {
    min: 0,
    max: u64::MAX as i128,
};

/// A closed record with an int, a float, a constrained string, an optional nullable float, a free-form field
/// and a float32.
static SAMPLE: Named = Named::Record(Record {
    name: "Sample",
    fields: &[
        Field {
            name: "n",
            ty: Type::Int { min: 0, max: 255 },
            required: true,
        },
        Field {
            name: "x",
            ty: Type::Float(FloatWidth::F64),
            required: true,
        },
        Field {
            name: "name",
            ty: Type::Str(&NAME),
            required: false,
        },
        Field {
            name: "opt",
            ty: Type::Nullable(&F64_TYPE),
            required: false,
        },
        Field {
            name: "any",
            ty: Type::Any,
            required: false,
        },
        Field {
            name: "f",
            ty: Type::Float(FloatWidth::F32),
            required: false,
        },
    ],
    open: false,
    ztype: None,
    event: None,
});

/// An open record (a scene element).
static ELEMENT: Named = Named::Record(Record {
    name: "Element",
    fields: &[
        Field {
            name: "tag",
            ty: Type::Str(&StrType::ANY),
            required: true,
        },
        Field {
            name: "key",
            ty: Type::Str(&StrType::ANY),
            required: true,
        },
        Field {
            name: "children",
            ty: Type::Array(&ANY_ITEMS),
            required: false,
        },
    ],
    open: true,
    ztype: None,
    event: None,
});

static BOX_KIND: StrType = StrType {
    constant: Some("box"),
    ..StrType::ANY
};
static BALL_KIND: StrType = StrType {
    constant: Some("ball"),
    ..StrType::ANY
};
static BOX: Named = Named::Record(Record {
    name: "Box",
    fields: &[
        Field {
            name: "kind",
            ty: Type::Str(&BOX_KIND),
            required: true,
        },
        Field {
            name: "size",
            ty: Type::Array(&VECTOR3),
            required: true,
        },
    ],
    open: false,
    ztype: None,
    event: None,
});
static BALL: Named = Named::Record(Record {
    name: "Ball",
    fields: &[
        Field {
            name: "kind",
            ty: Type::Str(&BALL_KIND),
            required: true,
        },
        Field {
            name: "r",
            ty: Type::Float(FloatWidth::F64),
            required: true,
        },
    ],
    open: false,
    ztype: None,
    event: None,
});
static SHAPE: Named = Named::Union(Union {
    name: "Shape",
    tag: "kind",
    variants: &[("box", &BOX), ("ball", &BALL)],
});
static SHAPES: ArrayType = ArrayType {
    items: Type::Named(&SHAPE),
    min_items: None,
    max_items: None,
};
static TIMESTAMP: Named = Named::Alias(Alias {
    name: "Timestamp",
    ty: Type::Int {
        min: 0,
        max: u64::MAX as i128,
    },
});

static NON_EMPTY: Pattern = Pattern::new("^.+$");
static ETYPE_ANY: StrType = StrType {
    pattern: Some(&NON_EMPTY),
    ..StrType::ANY
};
static MESSAGE: Named = Named::Record(Record {
    name: "Message",
    fields: &[
        Field {
            name: "ts",
            ty: Type::Named(&TIMESTAMP),
            required: false,
        },
        Field {
            name: "etype",
            ty: Type::Str(&ETYPE_ANY),
            required: true,
        },
        Field {
            name: "data",
            ty: Type::Any,
            required: false,
        },
        Field {
            name: "value",
            ty: Type::Any,
            required: false,
        },
    ],
    open: false,
    ztype: None,
    event: Some(EventInfo {
        envelope: "Message",
        etype: None,
        etype_pattern: None,
    }),
});
static RPC_RESPONSE: Named = Named::Record(Record {
    name: "RpcResponse",
    fields: &[
        Field {
            name: "ts",
            ty: Type::Named(&TIMESTAMP),
            required: false,
        },
        Field {
            name: "etype",
            ty: Type::Str(&StrType::ANY),
            required: true,
        },
        Field {
            name: "ok",
            ty: Type::Bool,
            required: false,
        },
        Field {
            name: "error",
            ty: Type::Nullable(&STR_TYPE),
            required: false,
        },
        Field {
            name: "data",
            ty: Type::Any,
            required: false,
        },
        Field {
            name: "value",
            ty: Type::Any,
            required: false,
        },
    ],
    open: false,
    ztype: None,
    event: Some(EventInfo {
        envelope: "RpcResponse",
        etype: None,
        etype_pattern: None,
    }),
});
/// A message type whose etype field is a plain string: the event's const is what rejects another etype.
static SET: Named = Named::Record(Record {
    name: "SetEvent",
    fields: &[
        Field {
            name: "ts",
            ty: U64,
            required: true,
        },
        Field {
            name: "etype",
            ty: Type::Str(&StrType::ANY),
            required: true,
        },
        Field {
            name: "data",
            ty: Type::Named(&ELEMENT),
            required: true,
        },
    ],
    open: false,
    ztype: None,
    event: Some(EventInfo {
        envelope: "ServerEvent",
        etype: Some("SET"),
        etype_pattern: None,
    }),
});
static GRAB_PATTERN: Pattern = Pattern::new("^GRAB_RENDER_RESPONSE@.+$");
static GRAB_RENDER_RESPONSE: Named = Named::Record(Record {
    name: "GrabRenderResponse",
    fields: &[
        Field {
            name: "ts",
            ty: Type::Named(&TIMESTAMP),
            required: false,
        },
        Field {
            name: "etype",
            ty: Type::Str(&StrType::ANY),
            required: true,
        },
        Field {
            name: "value",
            ty: Type::Any,
            required: true,
        },
    ],
    open: false,
    ztype: None,
    event: Some(EventInfo {
        envelope: "RpcResponse",
        etype: None,
        etype_pattern: Some(&GRAB_PATTERN),
    }),
});
static CATALOGUE: &[&Named] = &[&MESSAGE, &RPC_RESPONSE, &SET, &GRAB_RENDER_RESPONSE];

// UpdateEvent of spec §4.2.
static ELEMENT_PATCH: Named = Named::Record(Record {
    name: "ElementPatch",
    fields: &[
        Field {
            name: "tag",
            ty: Type::Str(&StrType::ANY),
            required: false,
        },
        Field {
            name: "key",
            ty: Type::Str(&StrType::ANY),
            required: true,
        },
        Field {
            name: "children",
            ty: Type::Array(&ANY_ITEMS),
            required: false,
        },
    ],
    open: true,
    ztype: None,
    event: None,
});
static PATCHES: ArrayType = ArrayType {
    items: Type::Named(&ELEMENT_PATCH),
    min_items: None,
    max_items: None,
};
static UPDATE_DATA: Named = Named::Record(Record {
    name: "UpdateData",
    fields: &[Field {
        name: "nodes",
        ty: Type::Array(&PATCHES),
        required: true,
    }],
    open: false,
    ztype: None,
    event: None,
});
static UPDATE_ETYPE: StrType = StrType {
    constant: Some("UPDATE"),
    ..StrType::ANY
};
static UPDATE_EVENT: Named = Named::Record(Record {
    name: "UpdateEvent",
    fields: &[
        Field {
            name: "ts",
            ty: Type::Named(&TIMESTAMP),
            required: true,
        },
        Field {
            name: "etype",
            ty: Type::Str(&UPDATE_ETYPE),
            required: true,
        },
        Field {
            name: "data",
            ty: Type::Named(&UPDATE_DATA),
            required: true,
        },
        Field {
            name: "strict",
            ty: Type::Bool,
            required: false,
        },
    ],
    open: false,
    ztype: None,
    event: Some(EventInfo {
        envelope: "ServerEvent",
        etype: Some("UPDATE"),
        etype_pattern: None,
    }),
});

static NDARRAY: Named = Named::Record(Record {
    name: "NdArray",
    fields: &[Field {
        name: "ztype",
        ty: Type::Str(&StrType::ANY),
        required: true,
    }],
    open: false,
    ztype: Some("numpy.ndarray"),
    event: None,
});

// -- helpers ---------------------------------------------------------------------------------------------

fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).expect("ascii"), 16).expect("hex"))
        .collect()
}

fn map(entries: Vec<(&str, Value)>) -> Value {
    let mut m = Map::new();
    for (k, v) in entries {
        assert!(m.insert(k, v).is_none(), "test maps have unique keys");
    }
    Value::Map(m)
}

fn ok(ty: Type, value: Value) -> Value {
    match check(ty, value, &DecodeOptions::default()) {
        Ok(v) => v,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

/// The kind and printed path of the error `check` gives.
fn fails(ty: Type, value: Value) -> (ErrorKind, String) {
    fails_with(ty, value, &DecodeOptions::default())
}

fn fails_with(ty: Type, value: Value, options: &DecodeOptions) -> (ErrorKind, String) {
    match check(ty, value, options) {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => (e.kind(), e.path_string()),
    }
}

fn kind_of<T: std::fmt::Debug>(r: Result<T>) -> (ErrorKind, String) {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => (e.kind(), e.path_string()),
    }
}

fn sample(entries: Vec<(&str, Value)>) -> Value {
    ok(Type::Named(&SAMPLE), map(entries))
}

fn sample_fails(entries: Vec<(&str, Value)>) -> (ErrorKind, String) {
    fails(Type::Named(&SAMPLE), map(entries))
}

use ErrorKind::*;
const INT: Type = Type::Int { min: 0, max: 255 };
const F64: Type = Type::Float(FloatWidth::F64);
const F32: Type = Type::Float(FloatWidth::F32);

mod direct;
mod free_form;
mod messages;
mod records;
mod scalars;
mod typed;
