# Turns a file into a C source defining `const char NAME[]` (NUL-terminated) and
# `const unsigned long NAME_len`, so trusted bytes (the schemas) are compiled into libpantau.
# Usage: cmake -DINPUT=f -DOUTPUT=f.c -DNAME=sym -P embed.cmake
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
file(SIZE "${INPUT}" size)
file(WRITE "${OUTPUT}" "/* generated from ${INPUT}; do not edit */\n"
  "const char ${NAME}[] = {${body}0x00};\n"
  "const unsigned long ${NAME}_len = ${size};\n")
