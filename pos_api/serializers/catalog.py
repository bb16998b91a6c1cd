from rest_framework import serializers


class PaymentMethodOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField()


class OrderTypeOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    requires_table = serializers.BooleanField()
    requires_customer = serializers.BooleanField()
